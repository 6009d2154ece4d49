import urllib.request

import requests
from flask import Flask, request

app = Flask(__name__)


@app.route("/preview")
def preview():
    url = request.args.get("url")
    # ruleid: chaingate.python.ssrf
    r = requests.get(url, timeout=5)
    # ruleid: chaingate.python.ssrf
    body = urllib.request.urlopen("http://" + request.form["host"] + "/status").read()
    # ok: chaingate.python.ssrf
    s = requests.get("https://127.0.0.1/api/items", params={"q": url}, timeout=5)
    return {"a": r.status_code, "b": len(body), "c": s.status_code}


def django_view(request):
    # ruleid: chaingate.python.ssrf
    return requests.post(request.POST["callback"], json={"ok": True})
