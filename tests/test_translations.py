"""Every interface text in the code and templates has an English translation."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "app/translations/en/LC_MESSAGES/messages.po"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def test_every_message_in_the_source_has_an_english_translation():
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "N_": None}
    found = {
        (message if isinstance(message, str) else message[0], context)
        for _, _, message, _, context in extract_from_dir(ROOT / "app", METHODS, keywords=keywords)
    }

    def translated(message: str, context: str | None) -> bool:
        entry = catalog.get(message, context=context)
        # A fuzzy entry is pybabel's guess from a similar text, not a translation.
        return bool(entry and entry.string and not entry.fuzzy)

    untranslated = sorted(m for m, context in found if not translated(m, context))
    assert untranslated == [], "run `make translations` and translate these"
