import json
import pickle

from flask import Flask, request

app = Flask(__name__)


@app.route("/session", methods=["POST"])
def restore():
    # ruleid: chaingate.python.pickle-deserialization
    state = pickle.loads(request.get_data())
    # ok: chaingate.python.pickle-deserialization
    prefs = json.loads(request.get_data())
    # ok: chaingate.python.pickle-deserialization
    blob = pickle.dumps({"state": state, "prefs": prefs})
    return blob


def load_cache(path):
    with open(path, "rb") as f:
        # ruleid: chaingate.python.pickle-deserialization
        return pickle.load(f)
