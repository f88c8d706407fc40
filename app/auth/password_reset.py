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
from app.models import User

MAX_AGE_SECONDS = 60 * 60
#: The mail an admin sends: for a new account ("welcome"), or to set a new password ("reset").
ADMIN_TEXTS = {
    "welcome": {
        "nl": (
            "Uw account bij {site}",
            "Beste {name},\n\nEr is een account voor u gemaakt bij {site}. Kies uw wachtwoord "
            "via deze link; die werkt één keer en een uur lang:\n\n{url}\n\nIs de link "
            "verlopen? Vraag dan een nieuwe aan met ‘Wachtwoord vergeten’ op {login}.",
        ),
        "en": (
            "Your account at {site}",
            "Dear {name},\n\nAn account has been made for you at {site}. Choose your password "
            "with this link; it works once and for one hour:\n\n{url}\n\nHas the link "
            "expired? Then ask for a new one with ‘Forgot password’ at {login}.",
        ),
    },
    "reset": {
        "nl": (
            "Nieuw wachtwoord instellen",
            "Beste {name},\n\nEen beheerder van {site} stuurt u deze link om een nieuw "
            "wachtwoord te kiezen; die werkt één keer en een uur lang:\n\n{url}\n\nIs de "
            "link verlopen? Vraag dan een nieuwe aan met ‘Wachtwoord vergeten’ op {login}.",
        ),
        "en": (
            "Set a new password",
            "Dear {name},\n\nAn administrator of {site} sends you this link to choose a new "
            "password; it works once and for one hour:\n\n{url}\n\nHas the link expired? "
            "Then ask for a new one with ‘Forgot password’ at {login}.",
        ),
    },
}
TEXTS = {
    "nl": (
        "Nieuw wachtwoord instellen",
        "Beste {name},\n\nU vroeg om een nieuw wachtwoord. Kies het via deze link; die werkt "
        "één keer en een uur lang:\n\n{url}\n\nVroeg u dit niet? Dan hoeft u niets te doen.",
    ),
    "en": (
        "Set a new password",
        "Dear {name},\n\nYou asked for a new password. Choose it with this link; it works once "
        "and for one hour:\n\n{url}\n\nDid you not ask for this? Then you need not do anything.",
    ),
}


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
    subject, body = TEXTS.get(user.language, TEXTS["nl"])
    url = f"{base_url.rstrip('/')}/wachtwoord-herstellen/{make_token(user)}"
    mail.send(user.email, subject, body.format(name=user.name, url=url))
    audit.record("auth.password_reset_requested", actor=user, target=f"user:{user.id}")


def send_link_from_admin(user: User, base_url: str, kind: str, actor: User) -> None:
    """An admin sends the link: for a new account (`kind` "welcome") or a forgotten password
    ("reset"). Raises smtplib.SMTPException or OSError when the mail cannot go out."""
    subject, body = ADMIN_TEXTS[kind].get(user.language, ADMIN_TEXTS[kind]["nl"])
    base = base_url.rstrip("/")
    site = current_app.config["SITE_NAME"]
    url = f"{base}/wachtwoord-herstellen/{make_token(user)}"
    mail.send(
        user.email,
        subject.format(site=site),
        body.format(name=user.name, site=site, url=url, login=f"{base}/login"),
    )
    audit.record("user.password_link_sent", actor=actor, target=f"user:{user.id}", kind=kind)


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.renew_session_token()  # every existing session of this person ends
    audit.record("auth.password_reset", actor=user, target=f"user:{user.id}")
