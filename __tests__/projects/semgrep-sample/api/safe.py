# The fixed twin of service.py: nothing here may be reported.
import json

import requests
import yaml
from flask import Flask, request

app = Flask(__name__)
ALLOWED = {"status": "https://127.0.0.1/status"}


@app.route("/preview")
def preview():
    return requests.get(ALLOWED["status"], params={"q": request.args["q"]}, timeout=5).text


@app.route("/import", methods=["POST"])
def import_settings():
    settings = yaml.safe_load(request.get_data())
    state = json.loads(request.files["state"].read())
    return {"settings": len(settings), "state": len(state)}


if __name__ == "__main__":
    app.run()
