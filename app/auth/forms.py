from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mailadres"),
        validators=[
            DataRequired(_l("Vul uw e-mailadres in.")),
            Email(_l("Dit is geen e-mailadres.")),
        ],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[DataRequired(_l("Vul uw wachtwoord in.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Inloggen"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Uitloggen"))
