"""The studio's forms: preview pasted text, write a module, review it."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from app.content.loader import MAX_TEXT_BYTES

LANGUAGE_LABELS = {"nl": _l("Nederlands"), "en": _l("Engels")}


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes instead of a multiple select: easier by keyboard and on a phone."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


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


AUDIENCE_LABELS = {
    "everyone": _l("iedereen"),
    "policy": _l("beleid"),
    "management": _l("leidinggevenden"),
    "procurement": _l("inkoop"),
    "data-it": _l("data en ICT"),
}


class RevisionForm(FlaskForm):
    """Every change to a draft says which revision it was made on (two trainers editing)."""

    revision = HiddenField(validators=[DataRequired()])


class NewModuleForm(FlaskForm):
    title = StringField(
        _l("Titel"), validators=[DataRequired(_l("Geef de module een titel.")), Length(max=200)]
    )
    slug = StringField(
        _l("Korte naam in het webadres (mag leeg: dan maken we hem van de titel)"),
        validators=[
            Optional(),
            Length(max=80),
            Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                message=_l("Gebruik alleen kleine letters, cijfers en streepjes."),
            ),
        ],
    )
    language = SelectField(
        _l("Taal"), choices=[SelectChoice(code, label) for code, label in LANGUAGE_LABELS.items()]
    )
    summary = TextAreaField(
        _l("Samenvatting (één of twee zinnen)"),
        validators=[DataRequired(_l("Schrijf een korte samenvatting.")), Length(max=1000)],
    )
    minutes = IntegerField(
        _l("Studietijd in minuten"),
        validators=[
            InputRequired(_l("Vul een aantal minuten in, bijvoorbeeld 20.")),
            NumberRange(1, 600, _l("Vul een aantal minuten in van 1 tot en met 600.")),
        ],
    )
    audience = MultiCheckboxField(
        _l("Voor wie"),
        choices=[SelectChoice(code, label) for code, label in AUDIENCE_LABELS.items()],
        validators=[DataRequired(_l("Kies voor wie de module is."))],
    )
    objectives = TextAreaField(
        _l("Leerdoelen (één per regel)"),
        validators=[DataRequired(_l("Schrijf minstens één leerdoel."))],
    )
    sources = TextAreaField(
        _l("Bronnen (één per regel: titel, dan het webadres)"),
        validators=[DataRequired(_l("Noem minstens één bron met webadres."))],
    )
    intro = TextAreaField(_l("Inleiding (Markdown)"), validators=[Length(max=20000)])
    with_quiz = BooleanField(_l("De module heeft een toets"), default=True)

    def validate_sources(self, field: TextAreaField) -> None:
        for number, line in enumerate(field.data.splitlines(), start=1):
            if line.strip() and not SOURCE_URL.search(line):
                raise ValidationError(
                    _l("Regel %(n)s heeft geen webadres dat begint met https://.", n=number)
                )

    def source_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for line in self.sources.data.splitlines():
            match = SOURCE_URL.search(line)
            if match:
                title = line[: match.start()].strip(" ,-–:") or match.group(0)
                pairs.append((title, match.group(0)))
        return pairs


SOURCE_URL = re.compile(r"https?://\S+")


class DraftForm(RevisionForm):
    module_text = TextAreaField(_l("Gegevens en inleiding (module.md)"))
    lessons = FieldList(TextAreaField(_l("Les")))
    quiz_text = TextAreaField(_l("Toets"))


class AddLessonForm(RevisionForm):
    title = StringField(
        _l("Titel van de nieuwe les"),
        validators=[DataRequired(_l("Geef de les een titel.")), Length(max=200)],
    )


class MoveLessonForm(RevisionForm):
    index = IntegerField(validators=[InputRequired()])
    step = IntegerField(validators=[InputRequired(), AnyOf([-1, 1])])


class ImageForm(RevisionForm):
    image = FileField(_l("Afbeelding (PNG, JPEG, GIF of WebP, tot 2 MB)"))


class SubmitForm(RevisionForm):
    bump = RadioField(
        _l("Wat voor verandering is dit?"),
        choices=[
            SelectChoice(
                "patch", _l("Klein: spelling en woorden. Voor cursisten verandert er niets.")
            ),
            SelectChoice(
                "minor",
                _l(
                    "Middel: nieuwe of betere tekst. Wie de module al afrondde, "
                    "houdt die afronding."
                ),
            ),
            SelectChoice(
                "major",
                _l(
                    "Groot: de inhoud is anders. Wie een eerdere versie afrondde, moet de module "
                    "opnieuw doen (opfrissen)."
                ),
            ),
        ],
        default="minor",
        validators=[InputRequired(_l("Kies wat voor verandering dit is."))],
    )
    change_note = TextAreaField(
        _l("Wat is er veranderd? (dit lezen de beoordelaar en later andere trainers)"),
        validators=[DataRequired(_l("Beschrijf kort wat er veranderd is.")), Length(max=2000)],
    )


class ReviewForm(RevisionForm):
    comment = TextAreaField(_l("Opmerkingen voor de schrijver"), validators=[Length(max=5000)])


class ImportForm(FlaskForm):
    archive = FileField(
        _l("ZIP-bestand van een module"),
        validators=[FileRequired(_l("Kies een ZIP-bestand."))],
    )


class LessonFeedbackForm(FlaskForm):
    clear = RadioField(
        _l("Was deze les duidelijk?"),
        choices=[SelectChoice("ja", _l("Ja")), SelectChoice("nee", _l("Nee"))],
        validators=[InputRequired(_l("Kies ja of nee."))],
    )
    comment = TextAreaField(
        _l("Wat kan beter? (mag leeg; je naam zien de trainers niet)"),
        validators=[Length(max=2000)],
    )
