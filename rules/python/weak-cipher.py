import os

from Crypto.Cipher import AES, ARC4, DES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def encrypt(key, data):
    # ruleid: chaingate.python.weak-cipher
    a = DES.new(key[:8], DES.MODE_CBC, os.urandom(8))
    # ruleid: chaingate.python.weak-cipher
    b = AES.new(key, AES.MODE_ECB)
    # ruleid: chaingate.python.weak-cipher
    c = ARC4.new(key)
    # ruleid: chaingate.python.weak-cipher
    d = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    # ok: chaingate.python.weak-cipher
    e = AES.new(key, AES.MODE_GCM, nonce=os.urandom(12))
    # ok: chaingate.python.weak-cipher
    f = AESGCM(key).encrypt(os.urandom(12), data, None)
    return a, b, c, d, e, f
