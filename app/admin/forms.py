import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

#: The longest an API token may live; a shorter life limits what a leaked token can do.
TOKEN_MAX_DAYS = 3 * 366
TOKEN_DEFAULT_DAYS = 365


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserAccessForm(FlaskForm):
    roles = CheckboxesField(_l("Rollen"))
    scope_units = CheckboxesField(_l("HR ziet deze afdelingen (met alles eronder)"), coerce=int)
    active = BooleanField(_l("Account actief"))


class NewAccountForm(FlaskForm):
    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul de naam in.")), Length(max=200)]
    )
    email = EmailField(
        _l("E-mailadres"),
        validators=[
            DataRequired(_l("Vul het e-mailadres in.")),
            Email(_l("Dit is geen e-mailadres.")),
            Length(max=254),
        ],
    )
    unit_id = SelectField(_l("Afdeling"), coerce=int)
    roles = CheckboxesField(_l("Rollen"))
    language = SelectField(
        _l("Taal van de e-mails en de website"),
        choices=[SelectChoice("nl", _l("Nederlands")), SelectChoice("en", _l("Engels"))],
    )
    send_link = BooleanField(
        _l("Stuur een e-mail met een link om een wachtwoord te kiezen"), default=True
    )


def _token_default_expiry() -> dt.date:
    return dt.date.today() + dt.timedelta(days=TOKEN_DEFAULT_DAYS)


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("Naam van de sleutel"),
        validators=[
            DataRequired(_l("Geef een naam, bijvoorbeeld de naam van het HR-systeem.")),
            Length(max=200),
        ],
    )
    note = TextAreaField(
        _l("Waarvoor is de sleutel, en wie beheert de koppeling? (optioneel)"),
        validators=[Optional(), Length(max=1000)],
    )
    expires_on = DateField(
        _l("Geldig tot en met"), validators=[Optional()], default=_token_default_expiry
    )

    def validate_expires_on(self, field: DateField) -> None:
        if field.data is None:
            return
        today = dt.date.today()
        if field.data < today:
            raise ValidationError(_l("Kies een datum vanaf vandaag."))
        if field.data > today + dt.timedelta(days=TOKEN_MAX_DAYS):
            raise ValidationError(_l("Een sleutel mag hoogstens drie jaar geldig zijn."))


class ConfirmForm(FlaskForm):
    pass
