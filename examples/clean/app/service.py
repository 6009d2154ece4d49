"""Report service (WSGI): the safe twin of examples/vulnerable/app/service.py."""
import os
import re
import sqlite3
import subprocess
from urllib.parse import parse_qs, urlsplit
from wsgiref.simple_server import make_server

import requests
import yaml
from jinja2 import Environment, select_autoescape

REPORTS_DIR = os.path.realpath(os.path.join(os.path.dirname(__file__), "reports"))
DB = sqlite3.connect(":memory:", check_same_thread=False)
DB.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT)")
HOST_NAME = re.compile(r"^[A-Za-z0-9.-]{1,253}$")
ALLOWED_FETCH_HOSTS = {"status.internal"}
TEMPLATES = Environment(autoescape=select_autoescape(default=True))
GREETING = TEMPLATES.from_string("Hello, {{ name }}")


def find_user(name):
    return DB.execute("SELECT id, email FROM users WHERE name = ?", (name,)).fetchall()


def ping(host):
    if not HOST_NAME.match(host):
        raise ValueError("bad host")
    return subprocess.check_output(["ping", "-c", "1", "--", host])


def archive(name):
    if not re.fullmatch(r"[\w-]+", name):
        raise ValueError("bad archive name")
    subprocess.run(["tar", "czf", "/tmp/%s.tgz" % name, REPORTS_DIR], check=True)


def calculate(a, b):
    return float(a) + float(b)


def read_report(name):
    path = os.path.realpath(os.path.join(REPORTS_DIR, name))
    if not path.startswith(REPORTS_DIR + os.sep):
        raise ValueError("bad report name")
    with open(path) as f:
        return f.read()


def load_settings(text):
    return yaml.safe_load(text)


def fetch(url):
    if urlsplit(url).hostname not in ALLOWED_FETCH_HOSTS:
        raise ValueError("host not allowed")
    return requests.get(url, timeout=10).text


def greet(name):
    return GREETING.render(name=name)


def app(environ, start_response):
    q = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    routes = {
        "/users": lambda: str(find_user(q.get("name", ""))),
        "/ping": lambda: ping(q.get("host", "")).decode(),
        "/calc": lambda: str(calculate(q.get("a", "0"), q.get("b", "0"))),
        "/report": lambda: read_report(q.get("file", "")),
        "/fetch": lambda: fetch(q.get("url", "")),
        "/greet": lambda: greet(q.get("name", "")),
    }
    handler = routes.get(environ.get("PATH_INFO", ""))
    if handler is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b""]
    try:
        body = handler()
    except ValueError as e:
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [str(e).encode()]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode()]


if __name__ == "__main__":
    make_server("127.0.0.1", int(os.environ.get("PORT", "8000")), app).serve_forever()
