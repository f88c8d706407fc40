"""The word diff a reviewer reads, and the checks an uploaded image passes."""

import pytest

from app.studio.diff import Segment, compare, file_key, word_diff
from app.studio.images import ImageRefused, checked_image, safe_name


def test_a_word_diff_shows_words_added_and_removed_in_place():
    assert word_diff("Een mens beslist.", "Een medewerker beslist altijd.") == [
        Segment("same", "Een "),
        Segment("removed", "mens"),
        Segment("added", "medewerker"),
        Segment("same", " beslist"),
        Segment("added", " altijd"),
        Segment("same", "."),
    ]


def test_files_are_matched_by_lesson_name_not_by_number():
    old = {"modules/x/nl/01-a.md": "# A\n\nTekst.", "modules/x/nl/02-b.md": "# B"}
    new = {
        "modules/x/nl/01-b.md": "# B",
        "modules/x/nl/02-a.md": "# A\n\nTekst.",
        "quizzes/x.nl.md": "q",
    }
    changes = {change.name: change for change in compare(old, new)}
    assert not changes["a.md"].changed and not changes["b.md"].changed
    assert changes["quiz"].added == 1
    assert file_key("modules/x/nl/module.md") == "module.md"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Schéma 1 (def).PNG", "schema-1-def.png"),
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\\\Users\\\\x\\\\plaatje.png", "plaatje.png"),
        ("....png", "afbeelding.png"),
    ],
)
def test_safe_names(name, expected):
    assert safe_name(name, "png") == expected


def test_the_type_comes_from_the_bytes_not_the_name():
    assert checked_image("foto.gif", b"\x89PNG\r\n\x1a\n rest") == "foto.png"
    assert checked_image("x.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "x.webp"
    with pytest.raises(ImageRefused, match="svg"):
        checked_image("x.png", b"  <svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(ImageRefused, match="empty"):
        checked_image("x.png", b"")
