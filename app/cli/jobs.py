"""`flask jobs worker`: the background worker (exports, ZIPs, imports, and the periodic work
that cron did: reminders, figure refresh, cleanup). Run one or more beside the web servers."""

import click
from flask import current_app
from flask.cli import with_appcontext

from app.jobs import service
from app.jobs.queue import huey_for

jobs_cli = click.Group("jobs", help="Background jobs: the worker and its housekeeping.")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at the same time.")
@click.option(
    "--no-periodic", is_flag=True, help="Leave reminders, figures and cleanup to other workers."
)
def worker_command(workers: int, no_periodic: bool) -> None:
    """Runs jobs from the queue until stopped (Ctrl-C or SIGTERM finish the running jobs)."""
    app = current_app._get_current_object()
    huey = huey_for(app)
    click.echo(f"worker on {app.config['JOB_QUEUE_URL'].split('@')[-1]} ({workers} at a time)")
    consumer = huey.create_consumer(
        workers=workers, periodic=not no_periodic, worker_type="thread", check_worker_health=True
    )
    consumer.run()


@jobs_cli.command("cleanup")
@with_appcontext
def cleanup_command() -> None:
    """Fails jobs whose worker died and deletes results past JOB_RESULT_HOURS (the worker does
    this by itself every few minutes)."""
    failed = service.fail_abandoned()
    removed = service.remove_expired()
    click.echo(f"jobs failed for a lost worker: {failed}; expired jobs removed: {removed}")
