from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserAccessForm(FlaskForm):
    roles = CheckboxesField(_l("Rollen"))
    scope_units = CheckboxesField(_l("HR ziet deze afdelingen (met alles eronder)"), coerce=int)
    active = BooleanField(_l("Account actief"))


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("Waarvoor is de sleutel?"),
        validators=[
            DataRequired(_l("Geef een naam, bijvoorbeeld de naam van het HR-systeem.")),
            Length(max=200),
        ],
    )


class ConfirmForm(FlaskForm):
    pass
