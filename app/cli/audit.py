"""`flask audit verify`: checks the audit log's hash chain."""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.core import audit_chain
from app.extensions import db
from app.models import AuditEvent

audit_cli = click.Group("audit", help="The audit log.")


@audit_cli.command("verify")
@with_appcontext
def verify_command() -> None:
    """Exits 0 when every entry is intact and in place; otherwise prints each break and exits 1."""
    breaks = audit_chain.verify()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    for found in breaks:
        click.echo(f"audit log: {found}")
    if breaks:
        raise SystemExit(1)
    click.echo(f"audit log intact: {count} entries, chain unbroken")
