"""The huey tasks: one that runs any job, and the periodic ones that replace cron.

Every worker process runs huey's scheduler, so with three workers each periodic task would be
enqueued three times a minute. `once_per_slot` lets only the first claim of a time slot run: the
claim is a put_if_empty in the queue's own storage (SQLite or Redis), which all workers share.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask
from huey import Huey, crontab


def once_per_slot(huey: Huey, name: str, slot_seconds: int) -> bool:
    """True for the first caller in this time slot, False for every other worker."""
    slot = int(time.time() // slot_seconds)
    claimed = huey.put_if_empty(f"periodic:{name}:{slot}", "1")
    if claimed:
        huey.get(f"periodic:{name}:{slot - 1}")  # reading takes it out: the store stays small
    return claimed


def register_tasks(huey: Huey, app: Flask) -> dict[str, Callable]:
    """Registers the tasks on this app's queue; returns them by name for enqueue()."""

    def in_app(function: Callable) -> Callable:
        def wrapped(*args):
            with app.app_context():
                return function(*args)

        wrapped.__name__ = function.__name__
        return wrapped

    @huey.task(name="run_job")
    @in_app
    def run_job(job_id: int) -> None:
        from app.jobs import runner

        runner.run(job_id)

    def periodic(name: str, schedule: crontab, slot_seconds: int, work: Callable) -> None:
        @huey.periodic_task(schedule, name=name)
        @in_app
        def task() -> None:
            if once_per_slot(huey, name, slot_seconds):
                work()

    periodic("jobs_fail_abandoned", crontab(minute="*"), 60, _fail_abandoned)
    periodic("jobs_remove_expired", crontab(minute="*/10"), 600, _remove_expired)
    periodic("reminders_send", crontab(minute="7"), 3600, _send_reminders)
    periodic("figures_refresh", crontab(minute="*/5"), 300, _refresh_figures)
    periodic("xapi_deliver", crontab(minute="*"), 60, _deliver_xapi)
    return {"run_job": run_job}


def _fail_abandoned() -> None:
    from app.jobs import service

    service.fail_abandoned()


def _remove_expired() -> None:
    from app.jobs import service

    service.remove_expired()


def _send_reminders() -> None:
    from app.hr.reminders import send_reminders

    send_reminders()


def _refresh_figures() -> None:
    from app.hr import snapshots

    snapshots.refresh()


def _deliver_xapi() -> None:
    from app.interop import xapi

    xapi.deliver()  # a failure stays on the statement (last_error), shown on the admin page
