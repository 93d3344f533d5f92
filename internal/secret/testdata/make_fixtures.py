#!/usr/bin/env python3
"""Writes the secret package's fixtures with an implementation independent of
the Go code (Python's cryptography >= 44), so the tests check the stored
formats against a second opinion rather than against themselves:

  sealed.txt    a value sealed as Box.Seal does: version 1 | 12-byte nonce |
                AES-256-GCM ciphertext and tag, the version byte as associated data
  password.txt  argon2id PHC strings of known passwords

Run from this directory: python3 make_fixtures.py
"""
import base64
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

key = bytes(range(32))
plaintext = b'{"client_id":"amzn1.application-oa2-client.x","client_secret":"s3cr\xc3\xa9t"}'
nonce = os.urandom(12)
sealed = b"\x01" + nonce + AESGCM(key).encrypt(nonce, plaintext, b"\x01")
with open("sealed.txt", "w") as f:
    f.write("# key hex, plaintext base64, sealed base64 (made by make_fixtures.py)\n")
    f.write(key.hex() + "\n")
    f.write(base64.b64encode(plaintext).decode() + "\n")
    f.write(base64.b64encode(sealed).decode() + "\n")


def phc(password, memory, iterations, lanes, length):
    salt = os.urandom(16)
    digest = Argon2id(salt=salt, length=length, iterations=iterations, lanes=lanes,
                      memory_cost=memory).derive(password.encode())
    b64 = lambda b: base64.b64encode(b).decode().rstrip("=")
    return f"$argon2id$v=19$m={memory},t={iterations},p={lanes}${b64(salt)}${b64(digest)}"


with open("password.txt", "w") as f:
    f.write("# password, then its argon2id PHC string (made by make_fixtures.py)\n")
    for password, params in [("correct horse battery staple", (65536, 3, 2, 32)),
                             ("pässwörd", (19456, 2, 1, 32)),
                             ("", (8192, 1, 4, 16))]:
        f.write(password + "\n" + phc(password, *params) + "\n")
