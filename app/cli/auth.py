"""`flask auth reencrypt-totp`: seals every TOTP secret with the current MFA_ENCRYPTION_KEY."""

import click
from flask import current_app
from flask.cli import with_appcontext

from app.auth import mfa
from app.extensions import db

auth_cli = click.Group("auth", help="Signing in: second factors.")


@auth_cli.command("reencrypt-totp")
@with_appcontext
def reencrypt_totp_command() -> None:
    """Encrypts plain secrets and re-encrypts those under an old key; after it, the old keys
    can leave MFA_ENCRYPTION_OLD_KEYS."""
    if not current_app.config["MFA_ENCRYPTION_KEY"]:
        raise click.ClickException("MFA_ENCRYPTION_KEY is not set: nothing to encrypt with.")
    changed = mfa.reencrypt_secrets()
    db.session.commit()
    click.echo(f"TOTP secrets re-encrypted with the current key: {changed}")
