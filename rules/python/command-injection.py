import os
import shlex
import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/ping")
def ping():
    host = request.args.get("host")
    # ruleid: chaingate.python.command-injection
    os.system("ping -c 1 " + host)
    # ruleid: chaingate.python.command-injection
    out = subprocess.check_output(f"nslookup {host}", shell=True)
    # ok: chaingate.python.command-injection
    subprocess.run(["ping", "-c", "1", host], check=True)
    # ok: chaingate.python.command-injection
    subprocess.run("ping -c 1 " + shlex.quote(host), shell=True)
    # ok: chaingate.python.command-injection
    os.system("uptime")
    return out


def view(request):
    # ruleid: chaingate.python.command-injection
    return subprocess.getoutput("cat /var/log/" + request.GET["name"])
