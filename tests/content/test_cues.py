"""Quiz cues a guesser could use are reported as warnings: shown, but validation still passes."""

import pytest

from app.content.frontmatter import parse_document
from app.content.quizparse import parse_quiz
from tests.content.test_validate import tree, validate  # noqa: F401 - the fixture

HEADER = "---\nmodule: proef\nlanguage: {language}\npass_mark: 70\ndraw: 1\n---\n"


def single(title: str, right: str, *wrong: str) -> str:
    options = "\n".join([f"- [x] {right}", *(f"- [ ] {w}" for w in wrong)])
    return f"\n## {title}\n\nobjective: basis\n\n{options}\n\nexplanation: Uitleg.\n"


def true_false(title: str, true: bool, language: str = "nl") -> str:
    yes, no = ("Waar", "Niet waar") if language == "nl" else ("True", "False")
    options = f"- [x] {yes}\n- [ ] {no}" if true else f"- [ ] {yes}\n- [x] {no}"
    return f"\n## {title}\n\ntype: true-false\nobjective: basis\n\n{options}\n\nexplanation: U.\n"


def warnings(body: str, language: str = "nl") -> list[str]:
    quiz = parse_quiz(parse_document("q.md", HEADER.format(language=language) + body), None)
    assert quiz.problems == []
    return [w.message for w in quiz.warnings]


def test_a_right_option_much_longer_than_every_wrong_one_is_named_with_its_line():
    body = single("Vraag", "Een lang en zorgvuldig geformuleerd antwoord", "Kort", "Ook kort")
    quiz = parse_quiz(parse_document("q.md", HEADER.format(language="nl") + body), None)
    [warning] = quiz.warnings
    assert warning.line == 12 and "times as long" in warning.message


def test_options_of_similar_length_give_no_warning():
    assert warnings(single("Vraag", "Van voorbeelden", "Van regels", "Van toeval")) == []


def test_the_right_option_longest_in_most_questions_is_a_pattern_even_when_not_much_longer():
    body = "".join(
        single(f"Vraag {n}", "Antwoord twaalf", "Antwoord elf", "Antwoord tien") for n in range(4)
    )
    assert any("4 of 4 single-choice questions" in w for w in warnings(body))
    mixed = body.replace(
        "- [x] Antwoord twaalf\n- [ ] Antwoord elf", "- [x] Antwoord elf\n- [ ] Antwoord twaalf", 2
    )
    assert not any("single-choice questions" in w for w in warnings(mixed))


@pytest.mark.parametrize(
    ("answers", "warned"),
    [
        ([False, False, False, True], True),  # 1 of 4 true: "always false" passes
        ([True, True, True, True], True),
        ([True, False, True, False], False),
        ([False, False, True], False),  # too few to judge
    ],
)
def test_true_false_statements_should_be_balanced(answers, warned):
    body = "".join(true_false(f"Stelling {n}.", answer) for n, answer in enumerate(answers))
    assert any("true/false statements" in w for w in warnings(body)) is warned


def test_the_english_true_label_counts_too():
    body = "".join(true_false(f"Statement {n}.", True, "en") for n in range(4))
    assert any('4 of 4 true/false statements are "True"' in w for w in warnings(body, "en"))


def test_absolute_words_only_in_wrong_options_are_a_pattern():
    body = single("A", "Meestal wel", "Altijd wel", "Nooit meer") + single(
        "B", "Soms", "Alleen op maandag", "Vaak"
    )
    [warning] = warnings(body)
    assert "3 wrong options use absolute words (alleen, altijd, nooit)" in warning
    with_a_right_one = body.replace("- [x] Soms", "- [x] Alleen als het moet")
    assert warnings(with_a_right_one) == []


def test_validate_prints_cue_warnings_but_passes(runner, tree):  # noqa: F811 - the fixture
    quiz = tree / "quizzes/proef.nl.md"
    quiz.write_text(
        quiz.read_text().replace(
            "- [x] Van voorbeelden\n",
            "- [x] Van heel veel voorbeelden die mensen verzamelden en zorgvuldig labelden\n",
        )
    )
    result = validate(runner, tree)
    assert result.exit_code == 0, result.output
    assert "proef.nl.md:15: warning: the right option is 2.1 times as long" in result.output


def test_validate_in_dutch_gives_the_cue_warnings_in_dutch(runner, tree):  # noqa: F811
    quiz = tree / "quizzes/proef.nl.md"
    quiz.write_text(
        quiz.read_text().replace(
            "- [x] Van voorbeelden\n",
            "- [x] Van heel veel voorbeelden die mensen verzamelden en zorgvuldig labelden\n",
        )
    )
    result = runner.invoke(args=["content", "validate", "--lang", "nl", str(tree)])
    assert result.exit_code == 0, result.output
    assert "proef.nl.md:15: waarschuwing: het goede antwoord is 2.1 keer zo lang" in result.output
