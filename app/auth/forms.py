from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from app.auth.common_passwords import is_common
from app.auth.passwords import MIN_PASSWORD_LENGTH


def not_a_common_password(_form: FlaskForm, field: PasswordField) -> None:
    if field.data and is_common(field.data):
        raise ValidationError(
            _l("Dit wachtwoord komt voor op een lijst van veelgebruikte en gelekte wachtwoorden.")
        )


def _own_email_field() -> EmailField:
    """The signing-in person's own address, as signing in and "forgot password" ask it."""
    return EmailField(
        _l("E-mailadres"),
        validators=[
            DataRequired(_l("Vul je e-mailadres in.")),
            Email(_l("Dit is geen e-mailadres.")),
        ],
        render_kw={"autocomplete": "username"},
    )


class LoginForm(FlaskForm):
    email = _own_email_field()
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[DataRequired(_l("Vul je wachtwoord in.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Inloggen"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Uitloggen"))


class ForgotPasswordForm(FlaskForm):
    email = _own_email_field()


def _new_password_field(when_empty: str) -> PasswordField:
    """A new password, as choosing one after a reset link and changing one both ask it."""
    return PasswordField(
        _l("Nieuw wachtwoord (minstens 12 tekens)"),
        validators=[
            DataRequired(when_empty),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=1000,
                message=_l("Kies een wachtwoord van minstens 12 tekens. Een zin werkt goed."),
            ),
            not_a_common_password,
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _confirm_password_field() -> PasswordField:
    """The new password typed again; it must equal the field named "password"."""
    return PasswordField(
        _l("Herhaal het nieuwe wachtwoord"),
        validators=[EqualTo("password", _l("De twee wachtwoorden zijn niet gelijk."))],
        render_kw={"autocomplete": "new-password"},
    )


class ResetPasswordForm(FlaskForm):
    password = _new_password_field(_l("Kies een wachtwoord."))
    confirm = _confirm_password_field()


def _app_code_field(**render_kw: str) -> StringField:
    """The field for a code from the authenticator app, as signing in and enrolling ask it."""
    return StringField(
        _l("Code uit de app"),
        validators=[DataRequired(_l("Vul de code uit de app in.")), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", **render_kw},
    )


class CodeForm(FlaskForm):
    """The second step of signing in: a code from the authenticator app or a recovery code."""

    code = _app_code_field(autocapitalize="off", spellcheck="false")


class RecoveryCodeForm(FlaskForm):
    code = StringField(
        _l("Herstelcode"),
        validators=[DataRequired(_l("Vul een herstelcode in.")), Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"},
    )


class EnrolForm(FlaskForm):
    code = _app_code_field(pattern="[0-9 ]*")


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Huidig wachtwoord"),
        validators=[DataRequired(_l("Vul je huidige wachtwoord in.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password_field(_l("Kies een nieuw wachtwoord."))
    confirm = _confirm_password_field()


class ResetMfaForm(FlaskForm):
    """An admin removes someone's second factor after they lost their device."""


class AddPasskeyForm(FlaskForm):
    """A new passkey: its name, and the browser's answer that app/static/js/passkeys.js puts in."""

    name = StringField(
        _l("Naam van de toegangssleutel"),
        validators=[DataRequired(_l("Geef de toegangssleutel een naam.")), Length(max=100)],
        render_kw={"autocomplete": "off", "placeholder": _l("bijvoorbeeld: laptop werk")},
    )
    credential = HiddenField(validators=[DataRequired(), Length(max=20_000)])


class PasskeySignInForm(FlaskForm):
    """The second step with a passkey: the browser's signed answer, put in by passkeys.js."""

    credential = HiddenField(validators=[DataRequired(), Length(max=20_000)])


class ConfirmPasswordForm(FlaskForm):
    """Asks the password again before a change to the second factor: a session left open on a
    shared computer must not be enough."""

    password = PasswordField(
        _l("Je wachtwoord"),
        validators=[DataRequired(_l("Vul je wachtwoord in.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
