"""Passkeys: the account page that lists, adds and removes them, and the second sign-in step
with one; on the auth blueprint.

The browser part (app/static/js/passkeys.js) fetches the options as JSON, lets the
authenticator answer, and submits the answer in an ordinary form; without JavaScript the page
says so and the app code keeps working.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.auth import mfa, passkeys, second_step
from app.auth.forms import AddPasskeyForm, CodeForm, PasskeySignInForm
from app.auth.mfa_routes import finish_sign_in, start_again, throttled
from app.auth.routes import bp
from app.extensions import db

_JSON = {"Content-Type": "application/json", "Cache-Control": "no-store"}


def _options(options_json: str) -> tuple[str, int, dict]:
    """The options as JSON, once their challenge is stored."""
    db.session.commit()
    return options_json, 200, _JSON


def _may_add_passkeys() -> bool:
    """Password accounts whose app is enrolled: the app stays the fallback."""
    return (
        current_user.password_hash is not None
        and mfa.is_enrolled(current_user)
        and len(passkeys.of(current_user)) < passkeys.MAX_PASSKEYS
    )


def _passkey_page(form: AddPasskeyForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "auth/passkeys.html",
        passkeys=passkeys.of(current_user),
        form=form,
        enrolled=mfa.is_enrolled(current_user),
        may_add=_may_add_passkeys(),
        max_passkeys=passkeys.MAX_PASSKEYS,
    ), status


@bp.route("/account/toegangssleutels")
@login_required
def passkey_list() -> str | Response | tuple[str, int]:
    if current_user.password_hash is None:
        return redirect(url_for("auth.security"))
    return _passkey_page(AddPasskeyForm(formdata=None))


@bp.route("/account/toegangssleutels/opties", methods=["POST"])
@login_required
def passkey_registration_options() -> tuple[str, int, dict]:
    """JSON for navigator.credentials.create(); the form's CSRF token comes with the request."""
    if not _may_add_passkeys():
        abort(403)
    return _options(passkeys.registration_options(current_user))


@bp.route("/account/toegangssleutels", methods=["POST"])
@login_required
@throttled
def passkey_add() -> Response | tuple[str, int]:
    if not _may_add_passkeys():
        abort(403)
    form = AddPasskeyForm()
    if form.validate_on_submit():
        try:
            passkeys.register(current_user, form.credential.data, form.name.data)
        except passkeys.PasskeyRefused:
            db.session.commit()  # the challenge stays used
            form.name.errors.append(
                _("De toegangssleutel is niet toegevoegd. Probeer het opnieuw.")
            )
        else:
            db.session.commit()
            flash(_("Je toegangssleutel is toegevoegd."), "success")
            return redirect(url_for("auth.passkey_list"))
    elif not form.credential.data and not form.name.errors:
        form.name.errors.append(_("Je browser gaf geen toegangssleutel door. Probeer het opnieuw."))
    return _passkey_page(form, 400)


@bp.route("/account/toegangssleutels/<int:passkey_id>/verwijderen", methods=["POST"])
@login_required
def passkey_remove(passkey_id: int) -> Response:
    if not passkeys.remove(current_user, passkey_id):
        abort(404)
    db.session.commit()
    flash(_("De toegangssleutel is verwijderd."), "success")
    return redirect(url_for("auth.passkey_list"))


def _pending_user_with_passkeys():
    user = second_step.pending_user()
    if user is not None and not passkeys.has_any(user):
        abort(404)
    return user


@bp.route("/login/toegangssleutel/opties", methods=["POST"])
def passkey_sign_in_options() -> tuple[str, int, dict] | Response:
    """JSON for navigator.credentials.get(), for the person halfway through signing in."""
    user = _pending_user_with_passkeys()
    if user is None:
        abort(403)
    return _options(passkeys.authentication_options(user))


@bp.route("/login/toegangssleutel", methods=["POST"])
@throttled
def passkey_sign_in() -> Response | tuple[str, int]:
    user = _pending_user_with_passkeys()
    if user is None:
        return start_again()
    form = PasskeySignInForm()
    if form.validate_on_submit():
        try:
            passkeys.authenticate(user, form.credential.data)
        except passkeys.PasskeyRefused:
            pass
        else:
            return finish_sign_in(user)
    db.session.commit()  # the used challenge and the failed attempt in the audit log
    form.credential.errors.append(
        _("Inloggen met je toegangssleutel is niet gelukt. Probeer het opnieuw of vul de code in.")
    )
    return render_template(
        "auth/mfa_code.html", form=CodeForm(formdata=None), passkey_form=form
    ), 400
