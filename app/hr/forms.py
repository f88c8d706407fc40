from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reden van intrekken"),
        validators=[DataRequired(_l("Geef een reden op.")), Length(max=500)],
    )
