"""The studio's form: paste a lesson (or a module.md) and see it checked and rendered."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.content.loader import MAX_TEXT_BYTES

LANGUAGE_LABELS = {"nl": _l("Nederlands"), "en": _l("Engels")}


class PreviewForm(FlaskForm):
    text = TextAreaField(
        _l("Markdown-tekst"),
        validators=[
            DataRequired(_l("Plak de tekst van een les of van module.md.")),
            # The same limit as a file on disk, so what passes here also passes sync.
            Length(
                max=MAX_TEXT_BYTES,
                message=_l("De tekst is te lang: splits hem in meer lessen."),
            ),
        ],
    )
    language = SelectField(
        _l("Taal van de tekst"),
        choices=[SelectChoice(code, label) for code, label in LANGUAGE_LABELS.items()],
    )
    module = SelectField(_l("Module (voor begrippen, links en afbeeldingen)"), default="")

    def set_modules(self, modules: list[tuple[str, str]]) -> None:
        self.module.choices = [SelectChoice("", _l("Geen module"))] + [
            SelectChoice(slug, f"{title} ({slug})") for slug, title in modules
        ]
