"""The huey queue an app enqueues on and a worker consumes: SQLite file or Redis.

Each app gets its own Huey object (built from its config, like the database engine), made on
first use (SqliteHuey creates its file then, and create_app does no I/O), with the tasks of
app/jobs/tasks.py registered on it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey

_making = threading.Lock()


def make_huey(url: str, name: str) -> Huey:
    """A Huey on Redis for redis:// URLs, else on the SQLite file the sqlite:/// URL names."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url)
    if not url.startswith("sqlite:///"):
        raise RuntimeError(f"JOB_QUEUE_URL={url!r} is neither redis://... nor sqlite:///...")
    path = Path(url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    # A worker and the web server write to the same file: wait for each other, do not fail.
    return SqliteHuey(name, filename=str(path), timeout=30)


def huey_for(app: Flask) -> Huey:
    """This app's queue, made (and its tasks registered) the first time it is asked for."""
    with _making:
        if "huey" not in app.extensions:
            from app.jobs.tasks import register_tasks

            huey = make_huey(app.config["JOB_QUEUE_URL"], app.config["JOB_QUEUE_NAME"])
            app.extensions["job_tasks"] = register_tasks(huey, app)
            app.extensions["huey"] = huey
    return app.extensions["huey"]


def tasks_for(app: Flask) -> dict[str, Callable]:
    huey_for(app)
    return app.extensions["job_tasks"]


def enqueue(task_name: str, *args) -> None:
    """Puts a task on the queue; call it after the commit that the task will read."""
    tasks_for(current_app._get_current_object())[task_name](*args)
