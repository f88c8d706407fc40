"""`flask sso add|list`: configure an organisation's OpenID Connect identity provider."""

import os

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.auth import sso
from app.auth.sso_routes import callback_url
from app.cli.users import _organisation
from app.extensions import db
from app.models import IdentityProvider

sso_cli = click.Group("sso", help="Single sign-on with an organisation's identity provider.")


def _redirect_uri(org_slug: str) -> str:
    with current_app.test_request_context():  # url_for needs one; the base is PUBLIC_BASE_URL
        return callback_url(org_slug)


@sso_cli.command("add")
@click.argument("org_slug")
@click.option("--issuer", required=True, help="Issuer URL, e.g. https://login.example.nl/realm.")
@click.option("--client-id", required=True, help="The client id registered at the provider.")
@click.option(
    "--client-secret-env",
    required=True,
    help="NAME of the environment variable that holds the client secret (not the secret).",
)
@click.option("--name", default=None, help='Shown as "Inloggen met <name>"; default: org name.')
@click.option(
    "--match-claim",
    default="email",
    show_default=True,
    help='"email", or the claim that carries the employee number.',
)
@click.option(
    "--create-accounts/--no-create-accounts",
    default=False,
    show_default=True,
    help="Create a learner account on first sign-in when none matches.",
)
@click.option("--disabled", is_flag=True, help="Save the settings but hide the login button.")
@with_appcontext
def add_command(
    org_slug, issuer, client_id, client_secret_env, name, match_claim, create_accounts, disabled
):
    """Adds ORG_SLUG's identity provider, or replaces its settings."""
    organisation = _organisation(org_slug)
    try:
        provider, created = sso.save_provider(
            organisation,
            issuer=issuer,
            client_id=client_id,
            client_secret_env=client_secret_env,
            name=name,
            match_claim=match_claim,
            create_accounts=create_accounts,
            enabled=not disabled,
        )
    except sso.ProviderConfigError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{'added' if created else 'updated'} identity provider for {org_slug}")
    click.echo(f"register this redirect URI at the provider: {_redirect_uri(org_slug)}")
    if not os.environ.get(client_secret_env):
        click.echo(f"warning: ${client_secret_env} is not set in this environment", err=True)


@sso_cli.command("list")
@with_appcontext
def list_command():
    """One line per provider: organisation, state, issuer, client id, matching, redirect URI."""
    providers = db.session.scalars(sa.select(IdentityProvider).order_by(IdentityProvider.id))
    found = False
    for provider in providers:
        found = True
        slug = provider.organisation.slug
        secret = "set" if os.environ.get(provider.client_secret_env) else "NOT SET"
        click.echo(
            f"{slug}\t{'enabled' if provider.enabled else 'disabled'}\t{provider.name}\t"
            f"{provider.issuer}\tclient {provider.client_id}\t"
            f"secret ${provider.client_secret_env} ({secret})\tmatch {provider.match_claim}\t"
            f"{'creates accounts' if provider.create_accounts else 'existing accounts only'}\t"
            f"{_redirect_uri(slug)}"
        )
    if not found:
        click.echo("no identity providers configured; add one with: flask sso add ORG_SLUG ...")
