"""Sessions: valid only while their token matches the user's current one, and within the idle
and absolute time-outs."""

import time

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from app.extensions import db, login_manager
from app.models import User


def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_token != token:
        return None
    return user


def start_session_clock() -> None:
    """Called at sign-in: the idle and absolute time-outs count from now."""
    now = int(time.time())
    session["signed_in_at"] = now
    session["seen_at"] = now


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
        flash(_("U bent uitgelogd omdat u een tijd niet actief was. Log opnieuw in."), "info")
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
