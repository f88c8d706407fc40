"""Password reset by an emailed link that expires and works once.

The link carries a signed fingerprint of the current password hash and session token; setting a
new password changes both, so a used (or older) link no longer matches.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.auth.passwords import hash_password
from app.core import audit, mail
from app.extensions import db
from app.i18n import N_
from app.models import User

MAX_AGE_SECONDS = 60 * 60
SUBJECT = N_("Nieuw wachtwoord instellen")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.password_hash}:{user.session_token}".encode()).hexdigest()[:32]


def make_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "fp": _fingerprint(user)})


def user_for_token(token: str) -> User | None:
    """The user the link was made for, if it is still valid; None otherwise."""
    try:
        data = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:  # includes SignatureExpired
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("fp") != _fingerprint(user):
        return None
    return user


def send_link(user: User, base_url: str) -> None:
    url = f"{base_url.rstrip('/')}/wachtwoord-herstellen/{make_token(user)}"
    subject, body = mail.compose(
        user.language,
        SUBJECT,
        "password_reset",
        user=user,
        url=url,
        site=current_app.config["SITE_NAME"],
    )
    mail.send(user.email, subject, body)
    audit.record("auth.password_reset_requested", actor=user, target=f"user:{user.id}")


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.renew_session_token()  # every existing session of this person ends
    audit.record("auth.password_reset", actor=user, target=f"user:{user.id}")
