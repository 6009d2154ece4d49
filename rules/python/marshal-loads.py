import json
import marshal


def read(blob, path):
    # ruleid: chaingate.python.marshal-loads
    a = marshal.loads(blob)
    with open(path, "rb") as f:
        # ruleid: chaingate.python.marshal-loads
        b = marshal.load(f)
    # ok: chaingate.python.marshal-loads
    c = marshal.dumps({"a": 1})
    # ok: chaingate.python.marshal-loads
    d = json.loads(blob)
    return a, b, c, d
