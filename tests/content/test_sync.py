"""`flask content sync` and `export`: immutable versions, idempotent sync, export round trip."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.content.markdown import RenderContext, render_markdown
from app.extensions import db
from app.models import LearningPath, Lesson, ModuleVersion
from tests.conftest import FIXTURE_CONTENT
from tests.content.test_validate import edit


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    return tmp_path / "content"


def sync(runner, tree: Path, *extra: str):
    return runner.invoke(args=["content", "sync", *extra, str(tree)])


def versions() -> list[tuple[str, str, bool]]:
    return list(
        db.session.execute(
            sa.select(
                ModuleVersion.language, ModuleVersion.version, ModuleVersion.is_current
            ).order_by(ModuleVersion.id)
        ).all()
    )


def test_sync_loads_the_course_and_a_second_run_changes_nothing(runner, tree):
    first = sync(runner, tree)
    assert first.exit_code == 0, first.output
    assert "created   module proef (nl) 1.0.0" in first.output
    assert "created   path basis (nl)" in first.output
    assert versions() == [("en", "1.0.0", True), ("nl", "1.0.0", True)]
    second = sync(runner, tree)
    assert second.exit_code == 0
    assert "created" not in second.output
    assert "unchanged module proef (nl) 1.0.0" in second.output
    assert "unchanged path basis (en)" in second.output
    assert len(versions()) == 2


def test_dry_run_changes_nothing(runner, tree):
    result = sync(runner, tree, "--dry-run")
    assert "created   module proef (nl)" in result.output
    assert versions() == []
    assert db.session.scalar(sa.select(sa.func.count(LearningPath.id))) == 0


def test_lessons_are_rendered_once_and_stored_sanitised(runner, tree):
    sync(runner, tree)
    lesson = db.session.scalar(
        sa.select(Lesson)
        .where(Lesson.slug == "01-wat-is-een-model")
        .join(Lesson.module_version)
        .where(ModuleVersion.language == "nl")
    )
    assert '<div class="admonition let-op">' in lesson.html
    assert '<p class="admonition-title">Let op</p>' in lesson.html
    assert 'href="/modules/proef/02-mens-beslist"' in lesson.html
    assert 'class="glossary-term" href="#begrip-model"' in lesson.html


def test_changed_text_without_a_version_bump_is_refused_and_the_published_version_stays(
    runner, tree
):
    sync(runner, tree)
    edit(tree / "modules/proef/nl/02-mens-beslist.md", "neemt het besluit", "beslist")
    validate = runner.invoke(args=["content", "validate", str(tree)])
    assert "the content changed but version 1.0.0 is already published" in validate.output
    result = sync(runner, tree)
    assert result.exit_code == 1
    assert "skipped   module proef (nl) 1.0.0" in result.output
    lesson = db.session.scalar(sa.select(Lesson.html).where(Lesson.slug == "02-mens-beslist"))
    assert "neemt het besluit" in lesson


def test_a_version_bump_creates_a_new_version_and_keeps_the_old_one(runner, tree):
    sync(runner, tree)
    edit(tree / "modules/proef/nl/02-mens-beslist.md", "neemt het besluit", "beslist")
    edit(tree / "modules/proef/nl/module.md", "version: 1.0.0", "version: 1.0.1")
    result = sync(runner, tree)
    assert result.exit_code == 0, result.output
    assert "created   module proef (nl) 1.0.1" in result.output
    assert versions() == [("en", "1.0.0", True), ("nl", "1.0.0", False), ("nl", "1.0.1", True)]
    old = db.session.scalar(
        sa.select(ModuleVersion).where(
            ModuleVersion.version == "1.0.0", ModuleVersion.language == "nl"
        )
    )
    assert "neemt het besluit" in old.lessons[1].html  # the old version is untouched


def test_a_broken_module_is_skipped_while_the_others_load(runner, tree):
    edit(tree / "modules/proef/en/module.md", "minutes: 10", "minutes: many")
    result = sync(runner, tree)
    assert result.exit_code == 1
    assert "skipped   module proef (en)" in result.output
    assert "created   module proef (nl)" in result.output
    assert "minutes must be a whole number" in result.output


def test_export_after_sync_gives_back_the_same_files(runner, tree, tmp_path):
    (tree / "modules/proef/nl/schema.png").write_bytes(b"\x89PNG\r\n\x1a\nfake image bytes")
    assert sync(runner, tree).exit_code == 0
    out = tmp_path / "export"
    result = runner.invoke(args=["content", "export", str(out)])
    assert result.exit_code == 0, result.output

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    assert files(out) == files(tree)


@pytest.mark.parametrize(
    ("language", "titles"),
    [
        ("nl", ["Let op", "Voorbeeld", "In de praktijk"]),
        ("en", ["Watch out", "Example", "In practice"]),
    ],
)
def test_callout_titles_come_from_the_translation_catalogue_in_the_modules_language(
    language, titles
):
    """Callouts are titled in the language of the module, whatever the reader's language is."""
    text = "\n\n".join(f"/// {kind}\nTekst.\n///" for kind in ("let-op", "voorbeeld", "praktijk"))
    html = render_markdown(text, RenderContext(language=language))
    assert [f'<p class="admonition-title">{title}</p>' in html for title in titles] == [True] * 3
