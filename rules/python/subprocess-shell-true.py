import subprocess


def archive(name, dest):
    # ruleid: chaingate.python.subprocess-shell-true
    subprocess.run(f"tar czf {dest} {name}", shell=True, check=True)
    # ruleid: chaingate.python.subprocess-shell-true
    subprocess.Popen("rm -rf " + name, shell=True)
    # ok: chaingate.python.subprocess-shell-true
    subprocess.run("ls -la /var/backups", shell=True)
    # ok: chaingate.python.subprocess-shell-true
    subprocess.run(["tar", "czf", dest, name], check=True)
    # ok: chaingate.python.subprocess-shell-true
    subprocess.run(f"tar czf {dest} {name}".split(), shell=False)
