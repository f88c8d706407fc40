"""The second step of signing in with a password (a code from the authenticator app, or a
recovery code), enrolling the app, and the signed-in person's own security page; on the auth
blueprint."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.auth import mfa, passkeys, second_step
from app.auth.forms import CodeForm, EnrolForm, PasskeySignInForm, RecoveryCodeForm
from app.auth.routes import bp
from app.auth.session import begin_session
from app.extensions import db, limiter
from app.main.start import start_url
from app.models import User


def _attempt_key() -> str:
    """Code attempts count per account: the one halfway through signing in, or signed in."""
    if current_user.is_authenticated:
        return f"second-step:{current_user.id}"
    return second_step.pending_key()


def _wrong_code(response: Response) -> bool:
    """Only a refused code counts towards the limit (a 400); the right one does not."""
    return response.status_code == 400


def throttled(view):
    return limiter.limit(
        lambda: current_app.config["MFA_RATE_LIMIT"],
        key_func=_attempt_key,
        methods=["POST"],
        deduct_when=_wrong_code,
    )(view)


def start_again() -> Response:
    flash(_("Log opnieuw in: de tijd voor de tweede stap is om."), "info")
    return redirect(url_for("auth.login"))


def finish_sign_in(user: User) -> Response:
    target = second_step.next_url()
    begin_session(user)
    db.session.commit()
    return redirect(target or start_url(user))


def _second_step(form: CodeForm | RecoveryCodeForm, template: str) -> str | Response:
    """The code (or recovery code) form; people with a passkey are offered that beside it."""
    user = second_step.pending_user()
    if user is None:
        return start_again()
    if not mfa.is_enrolled(user):
        return redirect(url_for("auth.mfa_enrol"))
    if form.validate_on_submit():
        if mfa.verify(user, form.code.data):
            return finish_sign_in(user)
        db.session.commit()  # the failed attempt stays in the audit log
        form.code.errors.append(_("Deze code klopt niet of is al gebruikt."))
    passkey_form = PasskeySignInForm(formdata=None) if passkeys.has_any(user) else None
    return render_template(template, form=form, passkey_form=passkey_form), (
        400 if form.errors else 200
    )


@bp.route("/login/code", methods=["GET", "POST"])
@throttled
def mfa_code() -> str | Response:
    return _second_step(CodeForm(), "auth/mfa_code.html")


@bp.route("/login/herstelcode", methods=["GET", "POST"])
@throttled
def mfa_recovery() -> str | Response:
    return _second_step(RecoveryCodeForm(), "auth/mfa_recovery.html")


def _enrol(user: User, *, signing_in: bool) -> str | Response:
    secret = mfa.pending_secret(user)
    form = EnrolForm()
    if form.validate_on_submit():
        codes = mfa.confirm_enrolment(user, form.code.data)
        if codes is not None:
            target = second_step.next_url() if signing_in else None
            if signing_in:
                begin_session(user)
            db.session.commit()
            # Shown this once, in this response: only their hashes are kept.
            return render_template(
                "auth/mfa_recovery_codes.html",
                codes=codes,
                next_url=target or start_url(user),
            )
        form.code.errors.append(
            _("Deze code klopt niet. Kijk of de tijd op je telefoon goed staat.")
        )
    db.session.commit()  # the secret being enrolled, and any failed attempt
    uri = mfa.provisioning_uri(user, secret, current_app.config["SITE_NAME"])
    return render_template(
        "auth/mfa_enrol.html",
        form=form,
        qr_code=mfa.qr_code_data_uri(uri),
        secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)],
        required=mfa.is_required(user),
    ), 400 if form.errors else 200


@bp.route("/login/tweestapsverificatie", methods=["GET", "POST"])
@throttled
def mfa_enrol() -> str | Response:
    """Enrolment during sign-in, for accounts whose role needs a second factor."""
    user = second_step.pending_user()
    if user is None:
        return start_again()
    if mfa.is_enrolled(user):
        return redirect(url_for("auth.mfa_code"))
    return _enrol(user, signing_in=True)


@bp.route("/account/tweestapsverificatie", methods=["GET", "POST"])
@login_required
@throttled
def mfa_settings() -> str | Response:
    """A signed-in person's second factor: enrol (optional for learners) or see its state."""
    if current_user.password_hash is None or mfa.is_enrolled(current_user):
        return render_template(
            "auth/mfa_status.html",
            enrolled=mfa.is_enrolled(current_user),
            codes_left=mfa.unused_recovery_codes(current_user),
            required=mfa.is_required(current_user),
        )
    return _enrol(current_user, signing_in=False)
