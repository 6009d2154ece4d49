import sqlite3

from sqlalchemy import text

conn = sqlite3.connect("app.db")


def find(cur, engine, user_id, email, name):
    # ruleid: chaingate.python.sql-string-format
    cur.execute(f"SELECT * FROM users WHERE id = {user_id}")
    # ruleid: chaingate.python.sql-string-format
    cur.execute("SELECT * FROM users WHERE email = '%s'" % email)
    # ruleid: chaingate.python.sql-string-format
    cur.execute("DELETE FROM sessions WHERE name = '" + name + "'")
    query = "UPDATE users SET seen = 1 WHERE name = '{}'".format(name)
    # ruleid: chaingate.python.sql-string-format
    conn.execute(query)
    with engine.connect() as c:
        # ruleid: chaingate.python.sql-string-format
        c.execute(text(f"SELECT id FROM users WHERE name = '{name}'"))
        # ok: chaingate.python.sql-string-format
        c.execute(text("SELECT id FROM users WHERE name = :name"), {"name": name})
    # ok: chaingate.python.sql-string-format
    cur.execute("SELECT * FROM users WHERE id = ?", (user_id,))
    # ok: chaingate.python.sql-string-format
    cur.execute(f"SELECT count(*) FROM users")
    # ok: chaingate.python.sql-string-format
    cur.execute("SELECT * FROM users WHERE email = %s", (email,))
