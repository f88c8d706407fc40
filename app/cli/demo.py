"""`flask demo load`: demo organisation and accounts for development. Never in production."""

import click
from flask import current_app
from flask.cli import with_appcontext

from app.services.demo import DEMO_ACCOUNTS, load_demo_data

demo_cli = click.Group("demo", help="Demo data for development.")


@demo_cli.command("load")
@with_appcontext
def load_command() -> None:
    """Creates the demo organisation and accounts listed in the README (idempotent)."""
    if not current_app.config["LOAD_DEMO_DATA"]:
        raise click.ClickException(
            "demo data is only loaded in development (GELETTERD_ENV=development)"
        )
    created = load_demo_data()
    for email, _, _ in DEMO_ACCOUNTS:
        click.echo(f"{'created' if email in created else 'exists '} {email}")
