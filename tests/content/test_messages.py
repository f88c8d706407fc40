"""The validator in Dutch: `flask content validate --lang nl` and the studio say every problem
in Dutch, keep `path:line: message`, and an unreadable front matter is reported once."""

import shutil
from pathlib import Path

import pytest

from app.content.messages import DUTCH, in_dutch, translated
from tests.conftest import FIXTURE_CONTENT
from tests.content.test_validate import edit, problems, validate
from tests.content.test_validate import (
    test_each_problem_is_reported_with_file_line_and_a_fix as english_cases,
)

#: The English validator's broken examples, each checked here for its Dutch.
CASES = english_cases.pytestmark[0].args[1]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    return tmp_path / "content"


@pytest.mark.parametrize(("file", "old", "new", "expected"), CASES)
def test_every_problem_of_the_broken_examples_has_its_dutch_wording(
    runner,
    tree,
    file,
    old,
    new,
    expected,
):
    edit(tree / file, old, new)
    english = problems(validate(runner, tree))
    dutch = problems(runner.invoke(args=["content", "validate", "--lang", "nl", str(tree)]))
    assert len(dutch) == len(english) > 0
    for line_en, line_nl in zip(english, dutch, strict=True):
        location, message = line_en.split(": ", 1)
        assert line_nl.startswith(location + ": "), "path:line stays the same"
        assert in_dutch(message) is not None, f"no Dutch for: {message}"
        assert line_nl == f"{location}: {in_dutch(message)}"


def test_validate_in_dutch_prints_the_dutch_message_and_summary(runner, tree):
    edit(tree / "modules/proef/nl/module.md", "minutes: 10", "mintues: 10")
    result = runner.invoke(args=["content", "validate", "--lang", "nl", str(tree)])
    assert result.exit_code == 1
    assert 'module.md:7: onbekende sleutel "mintues" (bedoel je "minutes"?)' in result.output
    assert 'de sleutel "minutes" ontbreekt in de kop' in result.output
    assert "Problemen gevonden: 2." in result.output


def test_an_unreadable_front_matter_is_reported_once_not_its_follow_on_problems(
    runner,
    tree,
):
    """A broken YAML line hides the glossary and the objectives; the lessons' terms and the
    quiz's objectives must not each be reported as unknown because of it."""
    edit(tree / "modules/proef/nl/module.md", "title: Proefmodule over AI", "title: [kapot")
    found = problems(validate(runner, tree))
    assert len(found) == 1, found
    assert "module.md:4: the front matter cannot be read" in found[0]


def test_english_stays_english_and_unknown_messages_are_not_lost():
    assert translated("the lesson is empty", "en") == "the lesson is empty"
    assert translated("the lesson is empty", "nl") == "de les is leeg"
    assert translated("a brand new message", "nl") == "a brand new message"


@pytest.mark.parametrize(("pattern", "dutch"), DUTCH)
def test_the_dutch_wordings_use_je_and_no_english_placeholders(pattern, dutch):
    words = dutch.lower().split()
    assert "u" not in words and "uw" not in words
