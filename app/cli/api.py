"""`flask api create-token|revoke-token`: bearer tokens for HR systems."""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.api import tokens
from app.cli.users import _organisation
from app.extensions import db
from app.models import ApiToken

api_cli = click.Group("api", help="Tokens for the read-only JSON API.")


@api_cli.command("create-token")
@click.option("--organisation", "organisation_slug", help="Organisation slug.")
@click.option("--name", required=True, help="What the token is for, e.g. 'AFAS koppeling'.")
@click.option("--note", default=None, help="Which system uses it, who looks after it.")
@click.option(
    "--expires",
    "expires_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day it works (YYYY-MM-DD); default one year from today.",
)
@with_appcontext
def create_token_command(organisation_slug, name, note, expires_on):
    """Makes a token and prints it once; only its hash is stored."""
    row, token = tokens.create_token(
        _organisation(organisation_slug),
        name,
        actor=None,
        note=note,
        expires_on=expires_on.date() if expires_on else None,
    )
    db.session.commit()
    click.echo(token)
    click.echo(
        f"token {row.id} ({row.prefix}…) for {name}, valid through {row.expires_on.isoformat()}: "
        "store it now, it is not shown again",
        err=True,
    )


@api_cli.command("revoke-token")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_token_command(token_id):
    """Revokes a token by its id."""
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id))
    if row is None:
        raise click.ClickException(f"no token with id {token_id}")
    tokens.revoke(row, actor=None)
    db.session.commit()
    click.echo(f"token {token_id} revoked")
