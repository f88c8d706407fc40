"""TOTP secrets encrypted at rest with AES-256-GCM, so a copy of the database (a backup, a dump)
does not hand over everyone's authenticator app.

The key comes from MFA_ENCRYPTION_KEY; MFA_ENCRYPTION_OLD_KEYS still open secrets sealed before a
rotation until `flask auth reencrypt-totp` has sealed them again with the current key. The
person's id is bound in as associated data: a sealed secret copied onto another account does
not open. Without a key, secrets are stored as they are (as before this existed) and
`reencrypt-totp` seals them once a key is set.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

PREFIX = "aesgcm1"
_NONCE_BYTES = 12


class SecretUnreadable(RuntimeError):
    """A sealed secret that no configured key opens: an old key was dropped too early, or the
    value was tampered with."""


def _decode_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise RuntimeError(_KEY_HELP) from error
    if len(key) != 32:
        raise RuntimeError(_KEY_HELP)
    return key


_KEY_HELP = (
    "MFA_ENCRYPTION_KEY (and each of MFA_ENCRYPTION_OLD_KEYS) must be 32 random bytes in "
    "base64url. Generate one with: "
    "python -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
)


def _current_key() -> bytes | None:
    text = current_app.config.get("MFA_ENCRYPTION_KEY", "")
    return _decode_key(text) if text else None


def _all_keys() -> list[bytes]:
    old = current_app.config.get("MFA_ENCRYPTION_OLD_KEYS", "")
    keys = [_decode_key(text.strip()) for text in old.split(",") if text.strip()]
    current = _current_key()
    return [current, *keys] if current else keys


def key_id(key: bytes) -> str:
    """A short fingerprint naming the key a value was sealed with (not secret)."""
    return hashlib.sha256(b"geletterd-totp-key-id" + key).hexdigest()[:8]


def _associated_data(user_id: int) -> bytes:
    return f"totp-secret:user:{user_id}".encode()


def seal(secret: str, user_id: int) -> str:
    """The value to store for `secret`: sealed with the current key, or as is without one."""
    key = _current_key()
    if key is None:
        return secret
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, secret.encode(), _associated_data(user_id))
    payload = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"{PREFIX}:{key_id(key)}:{payload}"


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX + ":")


def reveal(stored: str, user_id: int) -> str:
    """The secret behind a stored value. Raises SecretUnreadable when no key opens it."""
    if not is_sealed(stored):
        return stored
    _, wanted, payload = stored.split(":", 2)
    key = next((key for key in _all_keys() if key_id(key) == wanted), None)
    if key is None:
        raise SecretUnreadable(f"no configured key has id {wanted}; see MFA_ENCRYPTION_OLD_KEYS")
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    try:
        plain = AESGCM(key).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _associated_data(user_id)
        )
    except InvalidTag as error:
        raise SecretUnreadable("sealed secret does not open for this account") from error
    return plain.decode()


def needs_resealing(stored: str) -> bool:
    """True for values stored plainly or sealed with another key than the current one."""
    key = _current_key()
    if key is None:
        return False
    return not stored.startswith(f"{PREFIX}:{key_id(key)}:")
