"""`flask content validate|sync|export`: the trainer's tools for content kept in git."""

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.content.loader import ContentSet, Loader, find_content_root
from app.content.messages import localised
from app.content.problems import Problem
from app.content.publish import check_against_published, export, sync
from app.extensions import db

SUMMARY = {
    "en": {
        "problems": "{n} problem(s) found.",
        "ok": "OK: {n} module translation(s) checked, no problems.",
    },
    "nl": {
        "problems": "Problemen gevonden: {n}.",
        "ok": "Goed: geen problemen in {n} module(s) gecontroleerd.",
    },
}

#: How a warning (a quiz cue: app/content/cues.py) is marked; it does not make validation fail.
WARNING = {"en": "warning", "nl": "waarschuwing"}

content_cli = click.Group("content", help="Validate, sync and export course content.")


def _load(paths: tuple[str, ...]) -> tuple[list[ContentSet], list[Path]]:
    targets = [Path(p) for p in paths] or [Path(current_app.config["CONTENT_DIR"])]
    for target in targets:
        if not target.exists():
            raise click.BadParameter(f"{target} does not exist", param_hint="PATH")
    roots = sorted({find_content_root(t) for t in targets})
    return [Loader(root).load() for root in roots], [t.resolve() for t in targets]


def _database_ready() -> bool:
    """Whether published versions can be compared with: a trainer may validate files on a
    machine with no database (no instance/ folder yet), and the files alone still get checked."""
    try:
        return sa.inspect(db.engine).has_table("module_versions")
    except sa.exc.OperationalError:
        return False


def _in_targets(problem: Problem, targets: list[Path]) -> bool:
    path = Path(problem.path).resolve()
    return any(path == t or t in path.parents for t in targets)


@content_cli.command("validate")
@click.option(
    "--lang",
    type=click.Choice(["en", "nl"]),
    default="en",
    show_default=True,
    help="Language of the messages (nl: Dutch).",
)
@click.argument("paths", nargs=-1, type=click.Path())
@with_appcontext
def validate_command(lang: str, paths: tuple[str, ...]) -> None:
    """Checks content files; prints `path:line: message` per problem; exits 1 if there are any."""
    sets, targets = _load(paths)
    problems: list[Problem] = []
    for content in sets:
        problems += content.all_problems()
        if _database_ready():
            problems += check_against_published(content)
    problems = sorted({p for p in problems if _in_targets(p, targets)})
    for problem in problems:
        click.echo(str(localised(problem, lang)))
    warnings = sorted({w for c in sets for w in c.all_warnings() if _in_targets(w, targets)})
    for warning in warnings:
        shown = localised(warning, lang)
        click.echo(f"{shown.path}:{shown.line}: {WARNING[lang]}: {shown.message}")
    modules = sum(len(content.modules) for content in sets)
    if problems:
        click.echo(SUMMARY[lang]["problems"].format(n=len(problems)), err=True)
        sys.exit(1)
    click.echo(SUMMARY[lang]["ok"].format(n=modules), err=True)


@content_cli.command("sync")
@click.option("--dry-run", is_flag=True, help="Show what would change without changing anything.")
@click.argument("paths", nargs=-1, type=click.Path())
@with_appcontext
def sync_command(dry_run: bool, paths: tuple[str, ...]) -> None:
    """Loads content into the database: a new version only where files changed. Idempotent."""
    sets, _ = _load(paths)
    failed = False
    for content in sets:
        report = sync(content, dry_run=dry_run)
        for line in report.lines():
            click.echo(line)
        for problem in report.problems:
            click.echo(str(problem), err=True)
        failed = failed or bool(report.skipped)
    if dry_run:
        click.echo("Dry run: nothing was changed.", err=True)
    sys.exit(1 if failed else 0)


@content_cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False))
@with_appcontext
def export_command(directory: str) -> None:
    """Writes the published modules, quizzes and paths back as files under DIRECTORY."""
    written = export(Path(directory))
    click.echo(f"{len(written)} file(s) written to {directory}")
