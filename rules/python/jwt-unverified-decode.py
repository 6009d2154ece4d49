import jwt


def claims(token, key):
    # ruleid: chaingate.python.jwt-unverified-decode
    a = jwt.decode(token, options={"verify_signature": False})
    # ruleid: chaingate.python.jwt-unverified-decode
    b = jwt.decode(token, key, algorithms=["HS256", "none"])
    # ruleid: chaingate.python.jwt-unverified-decode
    c = jwt.encode({"sub": "admin"}, None, algorithm="none")
    # ok: chaingate.python.jwt-unverified-decode
    d = jwt.decode(token, key, algorithms=["RS256"], audience="api")
    # ok: chaingate.python.jwt-unverified-decode
    e = jwt.decode(token, key, algorithms=["ES256"], options={"require": ["exp"]})
    return a, b, c, d, e
