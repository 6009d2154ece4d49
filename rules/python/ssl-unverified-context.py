import ssl
import urllib.request

# ruleid: chaingate.python.ssl-unverified-context
ssl._create_default_https_context = ssl._create_unverified_context


def open_url(url):
    # ruleid: chaingate.python.ssl-unverified-context
    ctx = ssl._create_unverified_context()
    return urllib.request.urlopen(url, context=ctx)


def lax_context():
    ctx = ssl.create_default_context()
    # ruleid: chaingate.python.ssl-unverified-context
    ctx.check_hostname = False
    # ruleid: chaingate.python.ssl-unverified-context
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def strict_context():
    # ok: chaingate.python.ssl-unverified-context
    ctx = ssl.create_default_context(cafile="/etc/ssl/private-ca.pem")
    # ok: chaingate.python.ssl-unverified-context
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


class PyOpenSSLContext:
    def __init__(self):
        # ok: chaingate.python.ssl-unverified-context
        self.check_hostname = False
