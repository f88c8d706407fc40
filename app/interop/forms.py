"""The admin's form for the organisation's learning record store (xAPI)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

HTTPS = Regexp(r"^https://[^\s/]+", message=_l("Begin met https://."))


class LrsForm(FlaskForm):
    endpoint = StringField(
        _l("Adres van de xAPI-koppeling"), validators=[DataRequired(), Length(max=500), HTTPS]
    )
    username = StringField(_l("Gebruikersnaam"), validators=[DataRequired(), Length(max=200)])
    #: Empty keeps the stored password: it is never shown again.
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[Optional(), Length(max=500)],
        render_kw={"autocomplete": "new-password"},  # not the admin's own sign-in password
    )
    home_page = StringField(
        _l("Website van je organisatie"), validators=[DataRequired(), Length(max=500), HTTPS]
    )
    active = BooleanField(_l("Gegevens versturen"), default=True)
