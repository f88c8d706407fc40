"""`flask figures refresh`: run it from cron every few minutes, well inside HR_FIGURES_MAX_AGE."""

import time

import click
from flask.cli import with_appcontext

from app.hr import snapshots

figures_cli = click.Group("figures", help="HR dashboard figures kept for very large scopes.")


@figures_cli.command("refresh")
@with_appcontext
def refresh_command() -> None:
    """Counts again every scope whose figures are kept (those too large to count per view)."""
    started = time.perf_counter()
    count = snapshots.refresh()
    seconds = time.perf_counter() - started
    click.echo(f"figures counted again for {count} scope(s) in {seconds:.1f} s")
