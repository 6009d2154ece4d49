import os

import psycopg2

# ruleid: chaingate.python.hardcoded-credential
SIGNING_SECRET = "q8Hn2vL0rT5wY7zK1pM4xB6cD9fG3jS0uA2eI5oN"
# ruleid: chaingate.python.hardcoded-credential
API_KEY = "ak_9f8e7d6c5b4a3f2e1d0c9b8a"

# ruleid: chaingate.python.hardcoded-credential
conn = psycopg2.connect(host="127.0.0.1", user="app", password="Sup3rS3cretPassw0rd!")

SETTINGS = {
    "host": "127.0.0.1",
    # ruleid: chaingate.python.hardcoded-credential
    "client_secret": "f1d2d2f924e986ac86fdf7b36c94bcdf32beec15",
}

# ok: chaingate.python.hardcoded-credential
DB_PASSWORD = os.environ["DB_PASSWORD"]
# ok: chaingate.python.hardcoded-credential
password = "changeme"
# ok: chaingate.python.hardcoded-credential
api_key = "STRIPE_API_KEY"
# ok: chaingate.python.hardcoded-credential
password_prompt = "Enter your password"
