from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reden van intrekken"),
        validators=[DataRequired(_l("Geef een reden op.")), Length(max=500)],
    )


class ImportUploadForm(FlaskForm):
    file = FileField(
        _l("Bestand met medewerkers (CSV)"), validators=[FileRequired(_l("Kies een bestand."))]
    )
    deactivate_missing = BooleanField(
        _l("Dit is een volledige export: zet mensen die er niet in staan op inactief")
    )


class ConfirmForm(FlaskForm):
    pass


class AssignmentRuleForm(FlaskForm):
    path_id = SelectField(_l("Leerroute"), coerce=int)
    #: Chosen from the job roles people hold (app.hr.assignments.known_job_roles).
    job_role = SelectField(_l("Functie"), default="", validate_choice=False)
    unit_id = SelectField(_l("Voor wie (een afdeling met alles eronder)"), coerce=int)
    deadline_on = DateField(_l("Deadline (datum)"), validators=[Optional()])
    deadline_days = IntegerField(
        _l("Of: aantal dagen na toewijzen"), validators=[Optional(), NumberRange(min=1, max=3650)]
    )

    def validate_job_role(self, field: SelectField) -> None:
        if (field.data or "") not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Kies een functie uit de lijst."))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.deadline_on.data and self.deadline_days.data:
            self.deadline_days.errors.append(
                _l("Kies een datum of een aantal dagen, niet allebei.")
            )
            return False
        return True
