"""The signed-in person's own security page: their password and second factor (new recovery
codes, switching it off where it is optional); on the auth blueprint."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from app.auth import mfa
from app.auth.forms import ChangePasswordForm, ConfirmPasswordForm
from app.auth.password_change import change_password
from app.auth.passwords import verify_password
from app.auth.routes import bp
from app.core import audit
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


def _password_attempts(view):
    """Wrong passwords on these pages count towards one limit per account, as at sign-in."""
    return limiter.limit(
        lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"],
        key_func=lambda: f"password-change:{current_user.id}",
        methods=["POST"],
        deduct_when=_wrong_password,
    )(view)


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@login_required
@_password_attempts
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


def _password_confirmed(form: ConfirmPasswordForm, purpose: str) -> bool:
    if not form.validate_on_submit():
        return False
    if verify_password(current_user.password_hash, form.password.data):
        return True
    audit.record(
        "auth.password_confirm_failed",
        actor=current_user,
        target=f"user:{current_user.id}",
        purpose=purpose,
    )
    db.session.commit()
    form.password.errors.append(_("Dit is niet je wachtwoord."))
    return False


@bp.route("/account/herstelcodes", methods=["GET", "POST"])
@login_required
@_password_attempts
def renew_recovery_codes() -> str | Response | tuple[str, int]:
    if current_user.password_hash is None or not mfa.is_enrolled(current_user):
        return redirect(url_for("auth.mfa_settings"))
    form = ConfirmPasswordForm()
    if _password_confirmed(form, "recovery_codes"):
        codes = mfa.renew_recovery_codes(current_user)
        db.session.commit()
        return render_template(
            "auth/mfa_recovery_codes.html",
            codes=codes,
            renewed=True,
            next_url=url_for("auth.mfa_settings"),
        )
    return render_template("auth/renew_recovery_codes.html", form=form), (
        400 if form.errors else 200
    )


@bp.route("/account/tweestapsverificatie/uitzetten", methods=["GET", "POST"])
@login_required
@_password_attempts
def switch_off_mfa() -> str | Response | tuple[str, int]:
    if current_user.password_hash is None or not mfa.is_enrolled(current_user):
        return redirect(url_for("auth.mfa_settings"))
    if mfa.is_required(current_user):
        abort(403)
    form = ConfirmPasswordForm()
    if _password_confirmed(form, "mfa_off"):
        mfa.switch_off(current_user)
        db.session.commit()
        flash(_("Tweestapsverificatie staat uit. Je logt nu in met alleen je wachtwoord."), "info")
        return redirect(url_for("auth.security"))
    return render_template("auth/mfa_switch_off.html", form=form), 400 if form.errors else 200
