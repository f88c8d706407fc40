"""Flask-Login wiring: a session is valid only while its token matches the user's current one."""

from flask import Flask
from flask_babel import lazy_gettext as _l

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


def init_login(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in om deze pagina te zien.")
    login_manager.session_protection = "strong"
