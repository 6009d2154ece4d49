import random
import secrets
import string

# ruleid: chaingate.python.insecure-random-token
reset_token = "".join(random.choices(string.ascii_letters, k=32))


def make_otp():
    # ruleid: chaingate.python.insecure-random-token
    return random.randint(100000, 999999)


# ok: chaingate.python.insecure-random-token
jitter = random.uniform(0, 1.5)
# ok: chaingate.python.insecure-random-token
session_token = secrets.token_urlsafe(32)
