import yaml
from yaml import SafeLoader


def read_config(text):
    # ruleid: chaingate.python.yaml-unsafe-load
    a = yaml.load(text)
    # ruleid: chaingate.python.yaml-unsafe-load
    b = yaml.load(text, Loader=yaml.Loader)
    # ruleid: chaingate.python.yaml-unsafe-load
    c = yaml.unsafe_load(text)
    # ok: chaingate.python.yaml-unsafe-load
    d = yaml.safe_load(text)
    # ok: chaingate.python.yaml-unsafe-load
    e = yaml.load(text, Loader=yaml.SafeLoader)
    # ok: chaingate.python.yaml-unsafe-load
    f = yaml.load(text, Loader=SafeLoader)
    return a, b, c, d, e, f


def ruamel_roundtrip(text):
    from ruamel.yaml import YAML

    yaml = YAML()
    # ok: chaingate.python.yaml-unsafe-load
    return yaml.load(text)
