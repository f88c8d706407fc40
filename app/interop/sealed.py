"""Secrets kept in the database, encrypted: badge signing keys and LRS passwords.

Why the database: every app server and worker must sign with the same newest key, and a key
rotated on one must be seen by all at once; a file per server would drift. Why encrypted: a copy
of the database (a backup, a dump for a bug report) must not be enough to forge certificates.
The key comes from the environment (INTEROP_SECRET_KEY, else SECRET_KEY), never the repository.
"""

import hashlib
import hmac

from flask import current_app
from joserfc import jwe
from joserfc.jwk import OctKey

_HEADER = {"alg": "dir", "enc": "A256GCM"}


def _key() -> OctKey:
    secret = current_app.config.get("INTEROP_SECRET_KEY") or current_app.config["SECRET_KEY"]
    # A key of its own, derived so that the session-signing secret is never used as it is.
    derived = hmac.new(secret.encode(), b"geletterd interop sealed secrets", hashlib.sha256)
    return OctKey.import_key(derived.digest())


def seal(plaintext: str) -> str:
    return jwe.encrypt_compact(_HEADER, plaintext.encode(), _key())


def unseal(sealed: str) -> str:
    """Raises joserfc.errors.JoseError when the secret changed or the text was altered."""
    return jwe.decrypt_compact(sealed, _key()).plaintext.decode()
