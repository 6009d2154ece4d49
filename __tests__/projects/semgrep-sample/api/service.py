# DELIBERATELY VULNERABLE test input for chaingate's Semgrep adapter. Never run it.
import pickle

import requests
import yaml
from flask import Flask, request

app = Flask(__name__)
DB_PASSWORD = "p4ssw0rd-for-the-sample-db-9f8e7d"


@app.route("/preview")
def preview():
    return requests.get(request.args["url"], timeout=5).text


@app.route("/import", methods=["POST"])
def import_settings():
    settings = yaml.load(request.get_data(), Loader=yaml.Loader)
    state = pickle.loads(request.files["state"].read())
    return {"settings": len(settings), "state": len(state)}


if __name__ == "__main__":
    app.run(debug=True)
