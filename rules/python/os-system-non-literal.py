import os
import subprocess


def cleanup(path):
    # ruleid: chaingate.python.os-system-non-literal
    os.system("rm -rf %s" % path)
    # ruleid: chaingate.python.os-system-non-literal
    listing = os.popen("ls " + path).read()
    # ruleid: chaingate.python.os-system-non-literal
    size = subprocess.getoutput(f"du -sh {path}")
    # ok: chaingate.python.os-system-non-literal
    os.system("sync")
    # ok: chaingate.python.os-system-non-literal
    subprocess.run(["rm", "-rf", path], check=True)
    return listing, size
