"""`flask demo load` and `flask demo generate`: demo data for development. Never in production."""

import time

import click
import pyotp
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.core.planner import refresh_statistics
from app.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, generate
from app.demo.seed import DEMO_ACCOUNTS, DEMO_NAME, DEMO_SLUG, load_demo_data
from app.extensions import db
from app.models import Organisation, User

demo_cli = click.Group("demo", help="Demo data for development.")


def _refuse_in_production() -> None:
    if not current_app.config["LOAD_DEMO_DATA"]:
        raise click.ClickException(
            "demo data is only loaded in development (GELETTERD_ENV=development)"
        )


@demo_cli.command("load")
@with_appcontext
def load_command() -> None:
    """Creates the demo organisation and accounts listed in the README (idempotent)."""
    _refuse_in_production()
    created = load_demo_data()
    for email, _, _ in DEMO_ACCOUNTS:
        click.echo(f"{'created' if email in created else 'exists '} {email}")
    people = db.session.scalar(
        sa.select(sa.func.count(User.id)).join(Organisation).where(Organisation.slug == DEMO_SLUG)
    )
    click.echo(f"{DEMO_NAME}: {people:,} people")
    click.echo(
        f"password of every demo account: {DEMO_PASSWORD}\n"
        f"trainer, HR and admin also need a code: add the secret {DEMO_TOTP_SECRET} to an "
        "authenticator app, or run `flask demo code` for the current one"
    )


@demo_cli.command("code")
@with_appcontext
def code_command() -> None:
    """Prints the current sign-in code of the demo trainer, HR and admin accounts."""
    _refuse_in_production()
    click.echo(pyotp.TOTP(DEMO_TOTP_SECRET).now())


@demo_cli.command("generate")
@click.option("--employees", type=click.IntRange(min=1), required=True, help="How many employees.")
@click.option(
    "--organisation",
    "slug",
    default=generate.DEFAULT_SLUG,
    show_default=True,
    help="Slug of the organisation to create (it must not exist yet).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@with_appcontext
def generate_command(employees: int, slug: str, seed: int) -> None:
    """Creates a large organisation with months of progress, for benchmarks and demos.

    Needs published content (`flask content sync`). Generated employees have no password;
    the HR and admin accounts it prints have the demo password.
    """
    _refuse_in_production()
    started = time.perf_counter()
    try:
        result = generate.generate(
            employees,
            slug=slug,
            seed=seed,
            report=lambda text: click.echo(f"{time.perf_counter() - started:6.0f} s  {text}"),
        )
    except generate.GenerateError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    refresh_statistics()  # millions of new rows: the planner must know before anyone asks
    db.session.commit()
    click.echo(
        f"organisation {slug}: {result.units:,} units, {result.employees:,} people, "
        f"{result.assignments:,} assignments from {result.rules} rules"
    )
    click.echo(
        f"progress: {result.module_progress:,} modules started, {result.lesson_reads:,} lessons "
        f"read, {result.attempts:,} quiz attempts, {result.completions:,} modules completed"
    )
    click.echo(
        f"certificates: {result.module_certificates:,} module, {result.path_certificates:,} path"
    )
    click.echo(
        f"done in {time.perf_counter() - started:.1f} s; accounts (password {DEMO_PASSWORD}):"
    )
    for email, what in result.accounts:
        click.echo(f"  {email}  ({what})")
