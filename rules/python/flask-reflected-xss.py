import json

from flask import Flask, jsonify, make_response, render_template, request
from markupsafe import escape

app = Flask(__name__)


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    # ruleid: chaingate.python.flask-reflected-xss
    return "<h1>Hello " + name + "</h1>"


@app.get("/search")
def search():
    q = request.args["q"]
    # ruleid: chaingate.python.flask-reflected-xss
    return make_response(f"<p>No results for {q}</p>", 200)


@app.route("/safe")
def safe():
    name = request.args.get("name", "")
    if not name:
        # ok: chaingate.python.flask-reflected-xss
        return render_template("hello.html", name=name)
    if name == "json":
        # ok: chaingate.python.flask-reflected-xss
        return jsonify(name=name)
    # ok: chaingate.python.flask-reflected-xss
    return "<h1>Hello " + escape(name) + "</h1>"


@app.route("/static")
def static_page():
    # ok: chaingate.python.flask-reflected-xss
    return "<h1>Hello</h1>" + json.dumps({"v": 1})


@app.route("/echo")
def echo():
    # ok: chaingate.python.flask-reflected-xss
    return {"echo": request.args.get("v")}
