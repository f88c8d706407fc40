from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.evidence.ai_systems import parse_job_roles

RISK_CLASS_LABELS = {
    "prohibited": _l("Verboden praktijk"),
    "high": _l("Hoog risico"),
    "transparency": _l("Transparantieverplichting"),
    "minimal": _l("Minimaal risico"),
}


class AiSystemForm(FlaskForm):
    name = StringField(
        _l("Naam van het AI-systeem"),
        validators=[DataRequired(_l("Geef de naam op.")), Length(max=200)],
    )
    purpose = TextAreaField(
        _l("Waarvoor de organisatie het gebruikt"),
        validators=[DataRequired(_l("Beschrijf het doel.")), Length(max=2000)],
    )
    risk_class = SelectField(
        _l("Risicoklasse"),
        # Nothing chosen at first: a default would be a claim nobody made (and the first class
        # is "prohibited practice").
        choices=[SelectChoice("", _l("Kies een risicoklasse"))]
        + [SelectChoice(value, label) for value, label in RISK_CLASS_LABELS.items()],
        validators=[DataRequired(_l("Kies een risicoklasse."))],
    )
    job_roles = StringField(
        _l("Functies die ermee werken (gescheiden door komma's)"),
        validators=[Optional(), Length(max=1000)],
    )
    register_url = StringField(
        _l("Link naar het Algoritmeregister (optioneel)"),
        validators=[Optional(), Length(max=500)],
    )

    def validate_job_roles(self, field: StringField) -> None:
        if any(len(role) > 100 for role in parse_job_roles(field.data)):
            raise ValidationError(_l("Een functie mag hoogstens 100 tekens lang zijn."))

    def validate_register_url(self, field: StringField) -> None:
        url = (field.data or "").strip()
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in url):
            raise ValidationError(_l("Het adres moet beginnen met https://."))
