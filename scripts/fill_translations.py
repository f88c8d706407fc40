"""Fills empty or fuzzy English msgstr entries from a JSON file {dutch: english}.

Usage: python scripts/fill_translations.py translations.json
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "app/translations/en/LC_MESSAGES/messages.po"


def main(source: str) -> int:
    translations = json.loads(Path(source).read_text(encoding="utf-8"))
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if (not message.string or message.fuzzy) and message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
        if not message.string or message.fuzzy:
            missing.append(message.id)
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100)
    for text in missing:
        print(f"untranslated: {text}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
