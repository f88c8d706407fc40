"""Refuses passwords that are on a list of common and breached passwords shipped with the app.

The list (`common-passwords.txt.gz`, 30,000 entries) is the "passwords" frequency list of
zxcvbn 4.5.0 (PyPI, MIT licence, Copyright (c) 2016 Daniel Wolf and Dropbox): the most frequent
passwords of Xato's corpus of 10 million passwords from public breaches. Nothing is fetched at
run time. Most entries are shorter than our minimum of 12 characters, which already refuses
them; the list catches the long ones people still pick ("qwertyuiop123", "passwordpassword").
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

LIST_FILE = Path(__file__).with_name("common-passwords.txt.gz")


@cache
def _passwords() -> frozenset[str]:
    with gzip.open(LIST_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines if line.strip())


def is_common(password: str) -> bool:
    """Whether `password` (ignoring case and surrounding spaces) is on the list."""
    candidate = password.strip().lower()
    return candidate in _passwords()
