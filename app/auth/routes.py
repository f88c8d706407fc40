"""Signing in and out, and choosing a new password after forgetting it."""

import smtplib
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from app.auth import mfa, password_reset, second_step
from app.auth.forms import ForgotPasswordForm, LoginForm, LogoutForm, ResetPasswordForm
from app.auth.session import begin_session
from app.auth.users import authenticate, find_by_email
from app.core import audit
from app.extensions import db, limiter

bp = Blueprint("auth", __name__)


def safe_next_url(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: "next" must never send people elsewhere."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(char) < 32 for char in target):
        return None
    return target


def _account_key() -> str:
    return "login-account:" + request.form.get("email", "").strip().lower()


def _failed(response: Response) -> bool:
    """Only failed sign-ins count towards the limits; a success redirects."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ADDRESS"], methods=["POST"], deduct_when=_failed
)
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("learn.my_learning"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.commit()
            form.email.errors.append(_("E-mailadres of wachtwoord klopt niet."))
        elif mfa.is_enrolled(user) or mfa.is_required(user):
            # Not signed in yet: the second factor first (or enrolment, for roles that need one).
            second_step.start(user, safe_next_url(request.args.get("next")))
            db.session.commit()
            return redirect(url_for("auth.mfa_code" if mfa.is_enrolled(user) else "auth.mfa_enrol"))
        else:
            begin_session(user)
            db.session.commit()
            return redirect(safe_next_url(request.args.get("next")) or url_for("learn.my_learning"))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    form = LogoutForm()
    if form.validate_on_submit():
        audit.record("auth.logout", actor=current_user, target=f"user:{current_user.id}")
        # A new token makes every copy of the session cookie worthless, here and on any other
        # device: a signed cookie alone cannot be taken back.
        current_user.renew_session_token()
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Je bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_ADDRESS"], methods=["POST"])
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = find_by_email(form.email.data)
        if user is not None and user.active:
            try:
                password_reset.send_link(user, current_app.config["PUBLIC_BASE_URL"])
                db.session.commit()
            except (smtplib.SMTPException, OSError):
                db.session.rollback()
                current_app.logger.exception("password reset mail not sent")
        # The same answer whether or not the address is known: it must not reveal accounts.
        flash(
            _(
                "Als dit e-mailadres bij ons bekend is, krijg je binnen enkele minuten een "
                "e-mail met een link om een nieuw wachtwoord te kiezen."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    user = password_reset.user_for_token(token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        password_reset.set_password(user, form.password.data)
        db.session.commit()
        flash(_("Je wachtwoord is gewijzigd. Log in met je nieuwe wachtwoord."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200
