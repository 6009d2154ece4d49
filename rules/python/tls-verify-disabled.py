import httpx
import jwt
import requests


def fetch(url):
    # ruleid: chaingate.python.tls-verify-disabled
    r = requests.get(url, verify=False, timeout=10)
    session = requests.Session()
    # ruleid: chaingate.python.tls-verify-disabled
    session.verify = False
    # ruleid: chaingate.python.tls-verify-disabled
    client = httpx.Client(verify=False)
    # ruleid: chaingate.python.tls-verify-disabled
    session.post(url, json={}, verify=False)
    # ok: chaingate.python.tls-verify-disabled
    legacy = jwt.decode(url, verify=False)
    # ok: chaingate.python.tls-verify-disabled
    s = requests.get(url, timeout=10)
    # ok: chaingate.python.tls-verify-disabled
    t = requests.get(url, verify="/etc/ssl/private-ca.pem", timeout=10)
    return r, session, client, s, t, legacy
