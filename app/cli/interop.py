"""`flask content import-gift|export-scorm`: course content to and from other learning systems.

They sit on the `content` group (app/cli/content.py) but live here, beside the other interop
commands, so the trainer's everyday tools stay in one short file.
"""

import os
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.cli.content import content_cli
from app.content.frontmatter import parse_document
from app.extensions import db
from app.interop import badges, gift, scorm, xapi
from app.models import Organisation


def _module_objectives(slug: str, language: str) -> set[str]:
    path = Path(current_app.config["CONTENT_DIR"]) / "modules" / slug / language / "module.md"
    if not path.is_file():
        raise click.BadParameter(
            f'module "{slug}" has no {language} version ({path} does not exist)',
            param_hint="--module",
        )
    meta = parse_document(str(path), path.read_text(encoding="utf-8")).meta
    return set(meta.get("objectives") or {})


@content_cli.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--module", "slug", required=True, help="The module the quiz belongs to.")
@click.option("--lang", "language", default="nl", type=click.Choice(["nl", "en"]))
@click.option("--objective", help="Objective for questions whose GIFT category names none.")
@click.option("--pass-mark", default=70, type=click.IntRange(1, 100))
@click.option("--output", type=click.Path(dir_okay=False), help="Default: quizzes/SLUG.LANG.md")
@click.option("--force", is_flag=True, help="Overwrite an existing quiz file.")
@with_appcontext
def import_gift_command(
    file: str,
    slug: str,
    language: str,
    objective: str | None,
    pass_mark: int,
    output: str | None,
    force: bool,
) -> None:
    """Turns a Moodle GIFT file into the module's quiz file and checks it as `validate` does.

    Prints `FILE:line: ...` for every question not imported, `path:line: message` per problem
    in the quiz written; exits 1 when the quiz has problems to fix.
    """
    objectives = _module_objectives(slug, language)
    content_dir = Path(current_app.config["CONTENT_DIR"])
    target = Path(output) if output else content_dir / "quizzes" / f"{slug}.{language}.md"
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists: use --force to overwrite it")
    parsed = gift.parse_gift(Path(file).read_text(encoding="utf-8-sig"))
    markdown = gift.to_markdown(
        parsed,
        module=slug,
        language=language,
        objectives=objectives,
        objective=objective,
        pass_mark=pass_mark,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(markdown, encoding="utf-8")
    for skipped in parsed.skipped:
        click.echo(f'{file}:{skipped.line}: not imported: {skipped.type} question "{skipped.text}"')
    for line, note in parsed.notes:
        click.echo(f"{file}:{line}: note: {note}")
    problems, warnings = gift.check_quiz(str(target), markdown, objectives)
    for problem in problems:
        click.echo(str(problem))
    for warning in warnings:
        click.echo(f"{warning.path}:{warning.line}: warning: {warning.message}")
    click.echo(
        f"{len(parsed.questions)} question(s) written to {target}; "
        f"{len(parsed.skipped)} not imported; {len(problems)} problem(s) to fix.",
        err=True,
    )
    sys.exit(1 if problems else 0)


@content_cli.command("export-scorm")
@click.argument("slug")
@click.option("--lang", "language", default="nl", type=click.Choice(["nl", "en"]))
@click.option(
    "--output", type=click.Path(dir_okay=False), help="Default: SLUG-LANG-VERSION-scorm12.zip"
)
@with_appcontext
def export_scorm_command(slug: str, language: str, output: str | None) -> None:
    """Writes the published module as a SCORM 1.2 package for another LMS."""
    try:
        name, data = scorm.build_package(slug, language)
    except scorm.NoSuchModule as error:
        raise click.ClickException(str(error)) from error
    target = Path(output or name)
    target.write_bytes(data)
    click.echo(f"{target}: SCORM 1.2 package, {len(data)} bytes")


badges_cli = click.Group("badges", help="Open Badges 3.0: signing keys and verification.")


@badges_cli.command("rotate-key")
@with_appcontext
def rotate_key_command() -> None:
    """Makes a new signing key; the previous one keeps verifying the badges it signed."""
    key = badges.rotate_key()
    db.session.commit()
    click.echo(f"New signing key {key.kid}; earlier keys stay published for verification.")


@badges_cli.command("verify")
@click.argument("file", type=click.File("r"))
@with_appcontext
def verify_badge_command(file) -> None:
    """Checks a badge (a VC-JWT file): signature, expiry and revocation. Exits 1 unless valid."""
    check = badges.verify_badge(file.read())
    click.echo(f"{file.name}: {check.status.value}")
    for key, value in check.summary.items():
        if value:
            click.echo(f"  {key}: {value}")
    sys.exit(0 if check.status is badges.BadgeStatus.VALID else 1)


xapi_cli = click.Group("xapi", help="xAPI statements to each organisation's learning record store.")


def _organisation(slug: str) -> Organisation:
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        raise click.BadParameter(f'no organisation "{slug}"', param_hint="--organisation")
    return organisation


@xapi_cli.command("configure")
@click.option("--organisation", "slug", required=True)
@click.option("--endpoint", required=True, help="The LRS's xAPI base URL, e.g. https://lrs/xAPI/")
@click.option("--username", required=True)
@click.option(
    "--password-env",
    required=True,
    help="Name of the environment variable holding the password (kept out of shell history).",
)
@click.option(
    "--home-page", required=True, help="The organisation's own site, e.g. https://www.gemeente-x.nl"
)
@with_appcontext
def xapi_configure_command(
    slug: str, endpoint: str, username: str, password_env: str, home_page: str
) -> None:
    """Sends the organisation's completions and quiz results to this LRS from now on."""
    password = os.environ.get(password_env)
    if not password:
        raise click.BadParameter(f"${password_env} is empty", param_hint="--password-env")
    xapi.configure(
        _organisation(slug),
        endpoint=endpoint,
        username=username,
        password=password,
        home_page=home_page,
    )
    db.session.commit()
    click.echo(f"{slug}: statements go to {endpoint}")


@xapi_cli.command("disable")
@click.option("--organisation", "slug", required=True)
@with_appcontext
def xapi_disable_command(slug: str) -> None:
    """Stops recording and sending statements for the organisation."""
    changed = xapi.disable(_organisation(slug))
    db.session.commit()
    click.echo(f"{slug}: {'disabled' if changed else 'had no LRS'}")


@xapi_cli.command("deliver")
@with_appcontext
def xapi_deliver_command() -> None:
    """Sends pending statements (from cron, e.g. every minute). Exits 1 when an LRS failed."""
    result = xapi.deliver()
    for organisation_id, error in (result.errors or {}).items():
        click.echo(f"organisation {organisation_id}: {error}", err=True)
    click.echo(f"{result.sent} sent, {xapi.pending_count()} pending")
    sys.exit(1 if result.failed else 0)


def interop_groups() -> list[click.Group]:
    """The groups of their own (`flask badges`, `flask xapi`); importing this module has
    already put the content commands on `flask content`."""
    return [badges_cli, xapi_cli]
