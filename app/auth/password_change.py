"""A signed-in person changes their password by giving the current one."""

from __future__ import annotations

from app.auth.passwords import hash_password, verify_password
from app.core import audit
from app.models import User


def change_password(user: User, current: str, new: str) -> bool:
    """Sets `new` when `current` is right; False (and logged) when it is not. Every session of
    the person ends: the caller signs the current one in again. The caller commits."""
    if not verify_password(user.password_hash, current):
        audit.record("auth.password_change_failed", actor=user, target=f"user:{user.id}")
        return False
    user.password_hash = hash_password(new)
    user.renew_session_token()
    audit.record("auth.password_change", actor=user, target=f"user:{user.id}")
    return True
