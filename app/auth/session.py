"""Sessions: valid only while their token matches the user's current one, and within the idle
and absolute time-outs."""

import time

import sqlalchemy as sa
from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from app.core.time import utcnow
from app.extensions import db, login_manager
from app.models import User

# Runs on every signed-in request: one query for the user and their roles, built once.
_USER_WITH_ROLES = (
    sa.select(User).options(joinedload(User.role_grants)).where(User.id == sa.bindparam("id"))
)


def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.execute(_USER_WITH_ROLES, {"id": int(user_id)}).unique().scalar()
    if user is None or user.session_token != token:
        return None
    return user


def start_session_clock() -> None:
    """Called at sign-in: the idle and absolute time-outs count from now."""
    now = int(time.time())
    session["signed_in_at"] = now
    session["seen_at"] = now


def begin_session(user: User) -> None:
    """Signs `user` in on a fresh session, for the password login and single sign-on alike: a
    session planted before sign-in is worth nothing, and the time-outs count from now. The caller
    commits."""
    language = session.get("language")
    session.clear()
    login_user(user)
    start_session_clock()
    user.last_sign_in_at = utcnow()
    if language and not user.language:
        user.language = language


def enforce_timeouts() -> Response | None:
    """Signs out a session that was idle too long, or is older than the absolute limit."""
    if not current_user.is_authenticated:
        return None
    now = int(time.time())
    config = current_app.config
    idle = now - session.get("seen_at", 0) > config["SESSION_IDLE_TIMEOUT"]
    expired = now - session.get("signed_in_at", 0) > config["SESSION_ABSOLUTE_TIMEOUT"]
    if idle or expired:
        logout_user()
        session.clear()
        flash(_("Je bent uitgelogd omdat je een tijd niet actief was. Log opnieuw in."), "info")
        return redirect(
            url_for("auth.login", next=request.full_path if request.method == "GET" else None)
        )
    if now - session.get("seen_at", 0) > 60:  # not on every request: fewer cookie rewrites
        session["seen_at"] = now
    return None


def init_login(app: Flask) -> None:
    login_manager.user_loader(load_user)
    app.before_request(enforce_timeouts)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in om deze pagina te zien.")
    login_manager.session_protection = "strong"
