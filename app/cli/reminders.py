"""`flask reminders send`: run it from cron, e.g. every hour; nobody gets two a day."""

import sys

import click
from flask.cli import with_appcontext

from app.hr.reminders import send_reminders

reminders_cli = click.Group("reminders", help="Deadline reminders by email.")


@reminders_cli.command("send")
@with_appcontext
def send_command() -> None:
    """Emails learners whose deadline is near or past, and a digest to HR."""
    result = send_reminders()
    for failure in result.failed:
        click.echo(f"not sent: {failure}", err=True)
    click.echo(f"reminders sent: {result.learners} learner(s), {result.digests} HR digest(s)")
    sys.exit(1 if result.failed else 0)
