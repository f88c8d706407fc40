"""`flask privacy purge` and `flask backup`: retention and a consistent copy of the database."""

import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.admin.retention import due_for_purge, purge
from app.extensions import db

privacy_cli = click.Group("privacy", help="Personal data retention (GDPR/AVG).")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count who is due.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Pseudonymises people who left longer ago than RETENTION_DAYS."""
    days = current_app.config["RETENTION_DAYS"]
    if dry_run:
        click.echo(f"{len(due_for_purge(days))} person(s) due (left more than {days} days ago)")
        return
    count = purge(days)
    db.session.commit()
    click.echo(f"pseudonymised {count} person(s) who left more than {days} days ago")


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(destination: str) -> None:
    """Copies a SQLite database consistently while the app keeps running (SQLite's online backup).

    For PostgreSQL use pg_dump, e.g. `pg_dump -Fc geletterd > geletterd.dump` (see README).
    """
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException(
            "flask backup copies SQLite files; for PostgreSQL use "
            "pg_dump -Fc DBNAME > FILE.dump, restore with pg_restore"
        )
    target = Path(destination)
    if target.exists():
        raise click.ClickException(f"{target} exists already; choose a new file name")
    source = sqlite3.connect(url.database)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()
    click.echo(f"backup written to {target} ({target.stat().st_size:,} bytes)")
