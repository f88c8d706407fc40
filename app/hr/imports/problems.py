"""What is wrong with an imported file, said twice: in English for the command line
(`FILE: row N: reason`, a contract scripts read) and, for HR on the web, in the reader's language
as what to change in the spreadsheet, at which row and column."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

#: How the columns are called on the page (the file may call them otherwise, see HEADER_NAMES).
FIELD_LABELS = {
    "employee_number": _l("personeelsnummer"),
    "email": _l("e-mailadres"),
    "name": _l("naam"),
    "unit": _l("afdeling"),
    "job_roles": _l("functie"),
    "language": _l("taal"),
    "active": _l("actief"),
}


def column_letter(index: int) -> str:
    """The spreadsheet's name for a column: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass(frozen=True, order=True)
class Problem:
    """One thing to fix. `str()` is the English reason the command line prints."""

    english: str
    #: Which of EXPLANATIONS says it for people.
    kind: str
    #: The field it is about (a key of FIELD_LABELS), if one.
    field: str | None = None
    #: The cell's text, as far as the message repeats it (for missing columns: their fields,
    #: separated by commas).
    value: str = ""
    #: The other row a duplicate is on; the longest text a cell may hold.
    number: int | None = None
    #: The column as the file calls it, and its letter ("B"), when known.
    header: str = ""
    letter: str = ""

    def __str__(self) -> str:
        return self.english

    @property
    def column(self) -> str:
        """ "B (e-mailadres)": where to look in the spreadsheet; empty when no column applies."""
        if not self.field:
            return ""
        name = self.header or str(FIELD_LABELS.get(self.field, self.field))
        return f"{self.letter} ({name})" if self.letter else name

    def explain(self, organisation: str = "") -> str:
        """What to change, in the current request's language."""
        value = self.value
        if self.kind == "missing_columns":  # the value names fields: say them as the page does
            value = ", ".join(str(FIELD_LABELS.get(name, name)) for name in value.split(","))
        return EXPLANATIONS[self.kind]().format(
            value=value, number=self.number, organisation=organisation
        )


# Each explanation is looked up when shown, in the reader's language. The texts use str.format
# fields, not %(name)s, so that a value holding "%" cannot break them.
EXPLANATIONS = {
    "empty_file": lambda: _(
        "Het bestand is leeg. Kies het bestand met de medewerkers: op de eerste regel de "
        "kolomnamen, daaronder één medewerker per regel."
    ),
    "missing_columns": lambda: _(
        "Op de eerste regel (de kolomnamen) ontbreekt: {value}. Geef die kolommen in je "
        "spreadsheet een van de namen hieronder, sla het bestand op als CSV en kies het opnieuw."
    ),
    "number_empty": lambda: _("Vul het personeelsnummer in."),
    "email_invalid": lambda: _(
        "‘{value}’ is geen geldig e-mailadres. Vul een adres in zoals naam@organisatie.nl."
    ),
    "name_empty": lambda: _("Vul de naam in."),
    "language_unknown": lambda: _(
        "‘{value}’ is geen taal die we kennen. Vul nl of en in, of laat de cel leeg voor "
        "Nederlands."
    ),
    "active_unknown": lambda: _("‘{value}’ kunnen we niet lezen. Vul ja of nee in."),
    "nul": lambda: _(
        "Deze cel bevat een onzichtbaar teken dat niet kan worden opgeslagen. Typ de waarde "
        "opnieuw in."
    ),
    "too_long": lambda: _("Deze cel is langer dan {number} tekens. Maak de tekst korter."),
    "duplicate_number": lambda: _(
        "Personeelsnummer {value} staat ook op regel {number}. Een personeelsnummer mag maar "
        "één keer in het bestand staan."
    ),
    "duplicate_email": lambda: _(
        "E-mailadres {value} staat ook op regel {number}. Een e-mailadres mag maar één keer in "
        "het bestand staan."
    ),
    "unknown_unit": lambda: _(
        "Afdeling ‘{value}’ bestaat niet in {organisation}. Vul een afdelingscode in uit de "
        "lijst onder aan deze pagina."
    ),
    "email_taken": lambda: _(
        "E-mailadres {value} hoort al bij iemand anders, met een ander personeelsnummer. "
        "Controleer het adres en het personeelsnummer."
    ),
}
