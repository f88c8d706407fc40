"""Moodle GIFT import: `flask content import-gift FILE --module SLUG` writes our quiz format."""

import shutil
from pathlib import Path

import pytest

from app.interop.gift import parse_gift
from tests.conftest import FIXTURE_CONTENT

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def content_dir(app, tmp_path: Path, monkeypatch) -> Path:
    """A writable copy of the fixture course as CONTENT_DIR, without its Dutch quiz."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    (root / "quizzes" / "proef.nl.md").unlink()
    monkeypatch.setitem(app.config, "CONTENT_DIR", str(root))
    return root


def import_gift(runner, name: str, *extra: str):
    return runner.invoke(
        args=["content", "import-gift", str(FIXTURES / name), "--module", "proef", *extra]
    )


def test_a_clean_gift_file_becomes_a_valid_quiz(runner, content_dir):
    """Does a Dutch GIFT file with categories and general feedback pass `content validate`?"""
    result = import_gift(runner, "proef.nl.gift.txt")
    assert result.exit_code == 0, result.output
    quiz = (content_dir / "quizzes" / "proef.nl.md").read_text()
    assert "type: multiple\nobjective: oordeel\nid: mens" in quiz
    assert "- [x] Een besluit over een uitkering.\n  Goed." in quiz
    assert "- [ ] Waar\n  Nee: ook een fout klinkt zeker." in quiz
    assert "- [x] Niet waar\n  Goed: zekerheid zegt niets." in quiz
    assert "- Aanbieder = Maakt het AI-systeem" in quiz
    assert "explanation: Besluiten met gevolgen voor mensen neemt een mens." in quiz
    # The numeric question is listed with its line, not dropped silently.
    assert f"{FIXTURES / 'proef.nl.gift.txt'}:32: not imported: numeric question" in result.output
    validated = runner.invoke(args=["content", "validate", str(content_dir)])
    assert validated.exit_code == 0, validated.output


def test_moodles_own_fixture_lists_what_it_cannot_import(runner, content_dir):
    """Are essay, numeric, short answer and description reported with their GIFT lines, and
    the validator's own messages printed for what still needs a trainer's hand?"""
    result = import_gift(runner, "moodle-questions.gift.txt", "--objective", "basis")
    source = FIXTURES / "moodle-questions.gift.txt"
    lines = result.output.splitlines()
    assert f'{source}:5: not imported: essay question "How are you?"' in lines
    assert f"{source}:34: not imported: numeric question" in result.output
    assert f"{source}:37: not imported: short answer question" in result.output
    assert f"{source}:63: not imported: description question" in result.output
    assert f'{source}:8: note: extra answer "Chat" (a distractor) not imported' in lines
    assert f'{source}:49: note: partial credit 50% for "living" not imported' in lines
    # Questions without general feedback lack an explanation: the validator's message, its line.
    written = content_dir / "quizzes" / "proef.nl.md"
    quiz = written.read_text().splitlines()
    heading = quiz.index("## What's between orange and green in the spectrum?") + 1
    assert (
        f"{written}:{heading}: the question lacks an explanation: "
        'add "explanation: ..." after the options'
    ) in lines
    assert result.exit_code == 1


def test_an_existing_quiz_is_not_overwritten_without_force(runner, content_dir):
    assert import_gift(runner, "proef.nl.gift.txt").exit_code == 0
    again = import_gift(runner, "proef.nl.gift.txt")
    assert again.exit_code != 0 and "--force" in again.output
    assert import_gift(runner, "proef.nl.gift.txt", "--force").exit_code == 0


def test_an_unknown_module_is_refused(runner, content_dir):
    result = runner.invoke(
        args=["content", "import-gift", str(FIXTURES / "proef.nl.gift.txt"), "--module", "nope"]
    )
    assert result.exit_code == 2 and 'module "nope"' in result.output


@pytest.mark.parametrize(
    ("gift", "kind", "answers"),
    [
        (
            "Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}",
            "single",
            [("Grant", False), ("Jefferson", False), ("no one", True)],
        ),
        (
            "Grant is buried in Grant's tomb.{T}",
            "true-false",
            [("Waar", True), ("Niet waar", False)],
        ),
        ("Two? {~%50%a ~%50%b ~c}", "multiple", [("a", True), ("b", True), ("c", False)]),
        (
            "Capitals.{=Canada->Ottawa =Italy->Rome}",
            "match",
            [("Canada = Ottawa", True), ("Italy = Rome", True)],
        ),
        (
            "Which is 5? {~ \\= 2 + 2 = \\= 2 + 3}",
            "single",
            [("= 2 + 2", False), ("= 2 + 3", True)],
        ),
    ],
)
def test_each_supported_type_reads_as_moodle_reads_it(gift, kind, answers):
    (question,) = parse_gift(gift).questions
    assert question.type == kind
    assert [(o.text, o.correct) for o in question.options] == answers


def test_missing_word_questions_keep_a_blank():
    (question,) = parse_gift("Grant is {~buried =entombed ~living} in Grant's tomb.").questions
    assert question.text == "Grant is _____ in Grant's tomb."


def test_embedded_answers_are_listed_not_guessed():
    parsed = parse_gift("Cloze: {1:MULTICHOICE:=a~b} and more.")
    assert parsed.questions == [] and parsed.skipped[0].type == "cloze (embedded answers)"
