const mysql = require('mysql2');
const db = mysql.createConnection({});

function findUser(req, res) {
  const id = req.params.id;
  // ruleid: chaingate.js.sql-string-concat
  db.query('SELECT * FROM users WHERE id = ' + id, (err, rows) => res.json(rows));
  // ruleid: chaingate.js.sql-string-concat
  db.query(`SELECT name FROM users WHERE email = '${req.query.email}'`);
  const sql = "DELETE FROM sessions WHERE user = '" + id + "'";
  // ruleid: chaingate.js.sql-string-concat
  db.execute(sql);
  // ok: chaingate.js.sql-string-concat
  db.query('SELECT * FROM users WHERE id = ?', [id]);
  // ok: chaingate.js.sql-string-concat
  db.query(`SELECT count(*) FROM users`);
  // ok: chaingate.js.sql-string-concat
  res.get('X-Request-Id' + id);
  // ok: chaingate.js.sql-string-concat
  db.query('SELECT * FROM t WHERE a = $1', [`prefix-${id}`]);
}
module.exports = { findUser };
