"""Between the password and the second factor: who is halfway through signing in.

Kept in the signed session cookie as the account id with its session token, so a password
change or an admin's reset in the meantime makes the half-finished sign-in worthless; it also
expires after a few minutes. Nobody is signed in until the second step is done.
"""

from __future__ import annotations

import time

from flask import session

from app.extensions import db
from app.models import User

KEY = "second_step"
MAX_AGE_SECONDS = 5 * 60


def start(user: User, next_url: str | None) -> None:
    session.clear()
    session[KEY] = {"user": user.id, "token": user.session_token, "since": int(time.time())}
    if next_url:
        session[KEY]["next"] = next_url


def pending_user() -> User | None:
    """The account that gave the right password and still owes its second factor, if any."""
    state = session.get(KEY)
    if not isinstance(state, dict) or time.time() - state.get("since", 0) > MAX_AGE_SECONDS:
        return None
    user = db.session.get(User, state.get("user"))
    if user is None or not user.active or user.session_token != state.get("token"):
        return None
    return user


def next_url() -> str | None:
    state = session.get(KEY)
    return state.get("next") if isinstance(state, dict) else None


def pending_key() -> str:
    """Rate-limit key: code attempts count per account, whichever browser sends them."""
    state = session.get(KEY)
    user_id = state.get("user") if isinstance(state, dict) else None
    return f"second-step:{user_id}"
