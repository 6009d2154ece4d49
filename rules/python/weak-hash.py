import hashlib


def store_password(pw):
    # ruleid: chaingate.python.weak-hash
    return hashlib.md5(pw.encode()).hexdigest()


def sign(body):
    # ruleid: chaingate.python.weak-hash
    legacy = hashlib.sha1(body).hexdigest()
    # ruleid: chaingate.python.weak-hash
    other = hashlib.new("md5", body).hexdigest()
    # ok: chaingate.python.weak-hash
    digest = hashlib.sha256(body).hexdigest()
    # ok: chaingate.python.weak-hash
    etag = hashlib.md5(body, usedforsecurity=False).hexdigest()
    # ok: chaingate.python.weak-hash
    strong = hashlib.new("sha3_256", body).hexdigest()
    return legacy, other, digest, etag, strong
