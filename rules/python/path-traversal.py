import os

from flask import Flask, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)


@app.route("/files")
def files():
    name = request.args["name"]
    # ruleid: chaingate.python.path-traversal
    with open(os.path.join("/srv/files", name)) as f:
        return f.read()


@app.route("/download")
def download():
    # ruleid: chaingate.python.path-traversal
    return send_file("/srv/files/" + request.args.get("file"))


@app.route("/upload", methods=["POST"])
def upload():
    up = request.files["doc"]
    # ok: chaingate.python.path-traversal
    with open(os.path.join("/srv/uploads", secure_filename(up.filename)), "wb") as f:
        f.write(up.read())
    # ok: chaingate.python.path-traversal
    with open("/etc/app/config.json") as f:
        cfg = f.read()
    # ok: chaingate.python.path-traversal
    return send_from_directory("/srv/files", request.args["file"]) if cfg else ""
