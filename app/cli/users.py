"""`flask users create`: real accounts, outside the demo data."""

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.models import Role
from app.services.users import AccountError, create_user, get_or_create_organisation

users_cli = click.Group("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--organisation", "organisation_slug", required=True, help="Organisation slug.")
@click.option("--organisation-name", default=None, help="Name, when the organisation is new.")
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]))
@click.option("--language", default="nl", type=click.Choice(["nl", "en"]))
@click.password_option(help="At least 12 characters; asked for when not given.")
@with_appcontext
def create_command(email, name, organisation_slug, organisation_name, roles, language, password):
    """Creates an account with a password."""
    organisation = get_or_create_organisation(
        organisation_slug, organisation_name or organisation_slug
    )
    try:
        user = create_user(
            organisation=organisation,
            email=email,
            name=name,
            password=password,
            roles={Role(r) for r in roles},
            language=language,
        )
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"created {user.email} with roles {', '.join(sorted(user.roles))}")
