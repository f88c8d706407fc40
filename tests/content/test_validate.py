"""`flask content validate`: every problem reported as path:line: message, with a way to fix it."""

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_CONTENT

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A writable copy of the fixture course."""
    shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    return tmp_path / "content"


def validate(runner, *paths: Path):
    return runner.invoke(args=["content", "validate", *map(str, paths)])


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def problems(result) -> list[str]:
    return [line for line in result.output.splitlines() if ".md:" in line or "/nl:" in line]


def test_the_fixture_course_is_valid(runner):
    result = validate(runner, FIXTURE_CONTENT)
    assert result.exit_code == 0, result.output


def test_the_shipped_course_is_valid(runner):
    """Does everything in modules/, quizzes/ and paths/ pass the validator?"""
    result = validate(runner, REPO / "modules", REPO / "quizzes", REPO / "paths")
    assert result.exit_code == 0, result.output


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("modules/proef/nl/module.md", "minutes: 10", "minuten: 10", 'unknown key "minuten"'),
        ("modules/proef/nl/module.md", "minutes: 10", "mintues: 10", 'did you mean "minutes"'),
        ("modules/proef/nl/module.md", "minutes: 10", "minutes: tien", "minutes must be a whole"),
        ("modules/proef/nl/module.md", "language: nl", "language: de", "language must be one of"),
        ("modules/proef/nl/module.md", "version: 1.0.0", "version: 1.0", "MAJOR.MINOR.PATCH"),
        ("modules/proef/nl/module.md", "reviewed: 2026-11-28", "reviewed: gisteren", "YYYY-MM-DD"),
        (
            "modules/proef/nl/module.md",
            "audience: [everyone]",
            "audience: [iedereen]",
            "is not one of",
        ),
        ("modules/proef/nl/module.md", "summary: Een", "summery: Een", 'did you mean "summary"'),
        (
            "modules/proef/nl/module.md",
            "title: Proefmodule over AI",
            "title: [kapot",
            "front matter cannot be read",
        ),
        (
            "modules/proef/nl/module.md",
            "prerequisites: []",
            "prerequisites: [onbekend]",
            'prerequisite "onbekend" is not a module',
        ),
        (
            "modules/proef/nl/01-wat-is-een-model.md",
            "(02-mens-beslist.md)",
            "(03-bestaat-niet.md)",
            'the link "03-bestaat-niet.md" points at no lesson',
        ),
        (
            "modules/proef/nl/01-wat-is-een-model.md",
            "Een [[model]]",
            "Een [[modle]]",
            '"modle" is not in the module\'s glossary (did you mean "model"?)',
        ),
        (
            "modules/proef/nl/01-wat-is-een-model.md",
            "Een [[model]]",
            "Een ![](plaatje.png)",
            "points at no lesson",
        ),
        (
            "modules/proef/nl/01-wat-is-een-model.md",
            "Een [[model]]",
            "<b>vet</b>",
            "raw HTML is not part of the format",
        ),
        (
            "quizzes/proef.nl.md",
            "module: proef",
            "module: proeff",
            'module "proeff" in "nl", which does not exist (did you mean "proef"?)',
        ),
        (
            "quizzes/proef.nl.md",
            "- [x] Van voorbeelden",
            "- [ ] Van voorbeelden",
            "the question has no right answer",
        ),
        (
            "quizzes/proef.nl.md",
            "- [ ] Van niets",
            "- [x] Van niets",
            "a single-choice question has 2 right answers",
        ),
        ("quizzes/proef.nl.md", "draw: 4", "draw: 9", "draw is 9 but the pool has only 4"),
        ("quizzes/proef.nl.md", "pass_mark: 70", "pass_mark: 170", "pass_mark must be a whole"),
        (
            "quizzes/proef.nl.md",
            "objective: oordeel",
            "objective: oordel",
            'objective "oordel" is not in the module\'s objectives (did you mean "oordeel"?)',
        ),
        ("quizzes/proef.nl.md", "type: multiple", "type: multi", 'unknown question type "multi"'),
        ("quizzes/proef.nl.md", "explanation: De mens", "De mens", "lacks an explanation"),
        ("quizzes/proef.nl.md", "- [ ] Niet waar", "- [ ] Misschien", "exactly two options"),
        (
            "paths/basis.nl.md",
            "modules: [proef]",
            "modules: [proef, geen]",
            'module "geen" does not exist',
        ),
    ],
)
def test_each_problem_is_reported_with_file_line_and_a_fix(runner, tree, file, old, new, expected):
    path = tree / file
    edit(path, old, new)
    result = validate(runner, tree)
    assert result.exit_code == 1
    matching = [line for line in problems(result) if expected in line]
    assert matching, result.output
    reported = matching[0]
    assert reported.startswith(f"{path}:") or f"/{file}:" in reported


def test_the_line_number_points_at_the_offending_line(runner, tree):
    path = tree / "modules/proef/nl/module.md"
    edit(path, "minutes: 10", "mintues: 10")
    output = validate(runner, tree).output
    assert f"{path}:{line_of(path, 'mintues')}: unknown key" in output


def test_a_missing_key_and_an_empty_lesson_and_a_numbering_gap(runner, tree):
    module = tree / "modules/proef/nl"
    edit(module / "module.md", "minutes: 10\n", "")
    (module / "02-mens-beslist.md").rename(module / "03-mens-beslist.md")
    edit(module / "01-wat-is-een-model.md", "(02-mens-beslist.md)", "(03-mens-beslist.md)")
    (module / "04-leeg.md").write_text("\n\n")
    output = validate(runner, tree).output
    assert 'lacks the key "minutes"' in output
    assert "04-leeg.md:1: the lesson is empty" in output
    assert "numbered 01, 02, 03" in output


def test_duplicate_slug_and_folder_mismatch(runner, tree):
    shutil.copytree(tree / "modules/proef", tree / "modules/proef-kopie")
    output = validate(runner, tree).output
    assert 'does not match the folder name "proef-kopie"' in output
    assert "is also used by" in output


def test_an_image_without_alt_text_is_reported(runner, tree):
    module = tree / "modules/proef/nl"
    (module / "schema.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    edit(module / "01-wat-is-een-model.md", "Een [[model]]", "![](schema.png) Een [[model]]")
    assert "has no alt text" in validate(runner, tree).output
    edit(module / "01-wat-is-een-model.md", "![](schema.png)", "![Een schema](schema.png)")
    assert validate(runner, tree).exit_code == 0


def test_binary_junk_and_bad_encoding_are_reported_not_crashed_on(runner, tree):
    (tree / "modules/proef/nl/03-junk.md").write_bytes(b"# Titel\n\xff\xfe\x00\x00junk")
    output = validate(runner, tree).output
    assert "03-junk.md:2: the file is not UTF-8 text" in output


def test_validating_one_file_reports_only_that_file(runner, tree):
    edit(tree / "quizzes/proef.nl.md", "draw: 4", "draw: 9")
    edit(tree / "paths/basis.nl.md", "modules: [proef]", "modules: [geen]")
    result = validate(runner, tree / "quizzes/proef.nl.md")
    assert result.exit_code == 1
    assert all("proef.nl.md" in line for line in problems(result))
    assert validate(runner, tree / "modules").exit_code == 0


def test_a_glossary_term_with_display_text_inside_a_table_is_reported(runner, tree):
    lesson = tree / "modules/proef/nl/02-mens-beslist.md"
    edit(lesson, "| model | doet een voorstel |", "| [[model|het model]] | doet een voorstel |")
    output = validate(runner, tree).output
    assert f"{lesson}:5: in a table, write a glossary term as [[term]]" in output


def test_an_impossible_date_is_a_message_not_a_crash(runner, tree):
    path = tree / "modules/proef/nl/module.md"
    edit(path, "reviewed: 2026-11-28", "reviewed: 2026-13-01")
    result = validate(runner, tree)
    assert result.exit_code == 1
    assert f"{path}:{line_of(path, 'reviewed')}: a date that does not exist" in result.output


def test_text_before_the_first_question_is_reported_and_the_questions_still_read(runner, tree):
    path = tree / "quizzes/proef.nl.md"
    edit(
        path, "## Waarvan leert een model?", "Inleiding zonder kop.\n\n## Waarvan leert een model?"
    )
    output = validate(runner, tree).output
    assert "text before the first question" in output
    assert "has no questions" not in output


def test_raw_html_in_the_module_introduction_and_in_a_quiz_is_reported(runner, tree):
    edit(tree / "modules/proef/nl/module.md", "Deze module is een proef.", "<b>Proef</b>")
    edit(tree / "quizzes/proef.nl.md", "Van niets", "Van <i>niets</i>")
    output = validate(runner, tree).output
    assert output.count("raw HTML is not part of the format") == 2


def test_an_image_from_another_website_is_reported(runner, tree):
    edit(
        tree / "modules/proef/nl/01-wat-is-een-model.md",
        "Een [[model]]",
        "![Schema](https://example.org/schema.png) Een [[model]]",
    )
    assert "is on another website" in validate(runner, tree).output


LINK_LESSON = (
    "# Links\n\n"
    "Een [kwaad](java\tscript:alert(1)) verhaal.\n\n"
    "Een [plaatje][p] hier.\n\n"
    "Mail <vraag@geletterd.nl> of [schrijf](mailto:vraag@geletterd.nl) gerust.\n\n"
    "[p]: data:text/html,hallo\n"
)


def test_a_link_with_a_tab_or_a_data_reference_is_reported_on_its_own_line(runner, tree):
    """A `java<TAB>script:` link and a reference definition with a `data:` URL were reported at
    line 1: the search looked for the target as rendered (tab expanded) and only after "](" ."""
    lesson = tree / "modules/proef/nl/03-links.md"
    lesson.write_text(LINK_LESSON)
    result = validate(runner, tree)
    assert result.exit_code == 1
    broken = [line for line in problems(result) if "03-links.md" in line]
    assert broken == [
        f'{lesson}:3: the link "java    script:alert(1)" points at no lesson, module or image '
        "here: check the file name",
        f'{lesson}:9: the link "data:text/html,hallo" points at no lesson, module or image '
        "here: check the file name",
    ]


def test_an_e_mail_autolink_is_a_valid_link(runner, tree):
    """<a@b.nl> is a mailto link (Markdown hides the address in entities), not a broken link."""
    edit(
        tree / "modules/proef/nl/01-wat-is-een-model.md",
        "Een [[model]]",
        "Vragen? Mail <vraag@geletterd.nl>. Een [[model]]",
    )
    result = validate(runner, tree)
    assert result.exit_code == 0, result.output


def test_a_backslash_escape_in_a_link_is_read_as_the_character_it_escapes(runner, tree):
    """`schema\\_1.png` names schema_1.png: it was reported as a broken link to
    "schema951.png" (Markdown's placeholder for the escape) at line 1."""
    module = tree / "modules/proef/nl"
    (module / "schema_1.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    edit(
        module / "01-wat-is-een-model.md",
        "Een [[model]]",
        "![Een schema](schema\\_1.png) Een [[model]]",
    )
    assert validate(runner, tree).exit_code == 0
    lesson = module / "01-wat-is-een-model.md"
    edit(lesson, "(schema\\_1.png)", "(schema\\_2.png)")
    assert f'{lesson}:3: the link "schema_2.png" points' in validate(runner, tree).output


def test_a_link_target_in_angle_brackets_is_not_raw_html(runner, tree):
    """Markdown writes a target with a space as ](<mijn schema.png>); it looked like a tag."""
    module = tree / "modules/proef/nl"
    (module / "mijn schema.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    edit(
        module / "01-wat-is-een-model.md",
        "Een [[model]]",
        "![Een schema](<mijn schema.png>) Een [[model]]\n\n"
        "[Het schema][s]\n\n[s]: <mijn schema.png>",
    )
    result = validate(runner, tree)
    assert result.exit_code == 0, result.output


def test_validate_works_on_a_machine_without_a_database(tmp_path):
    """A trainer's fresh checkout has no instance/ folder: the files are still checked."""
    import subprocess
    import sys

    env = {
        "PATH": "/usr/bin:/bin",
        "FLASK_APP": "app:create_app",
        "GELETTERD_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path}/geen-map/geletterd.db",
    }
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run(
        [flask, "content", "validate", FIXTURE_CONTENT / "modules"],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "OK:" in result.stderr
