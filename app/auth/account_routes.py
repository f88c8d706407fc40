"""The signed-in person's own security page: their password and second factor; on the auth
blueprint."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from app.auth import mfa
from app.auth.forms import ChangePasswordForm
from app.auth.password_change import change_password
from app.auth.routes import bp
from app.extensions import db, limiter


@bp.route("/account")
@login_required
def security() -> str:
    return render_template(
        "auth/security.html",
        has_password=current_user.password_hash is not None,
        enrolled=mfa.is_enrolled(current_user),
        required=mfa.is_required(current_user),
    )


def _wrong_password(response: Response) -> bool:
    return response.status_code == 400


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@login_required
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"],
    key_func=lambda: f"password-change:{current_user.id}",
    methods=["POST"],
    deduct_when=_wrong_password,
)
def change_password_view() -> str | Response:
    if current_user.password_hash is None:
        return redirect(url_for("auth.security"))
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if change_password(current_user, form.current.data, form.password.data):
            db.session.commit()
            # The new session token ended every session; this one carries on with it.
            login_user(current_user._get_current_object())
            flash(_("Je wachtwoord is gewijzigd. Op andere apparaten ben je uitgelogd."), "success")
            return redirect(url_for("auth.security"))
        db.session.commit()
        form.current.errors.append(_("Dit is niet je huidige wachtwoord."))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200
