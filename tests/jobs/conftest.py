"""Fixtures for the job tests: a unit full of certified people, real consumers and workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.certificates import issuing
from app.extensions import db
from app.models import Assignment, HrScope, Job, LearningPath, Role, User
from tests.conftest import Auth

ROOT = Path(__file__).resolve().parents[2]


def session_for(app, user) -> Auth:
    auth = Auth(app.test_client())
    auth.login(user)
    return auth


@pytest.fixture
def team(make, content):
    """Unit T of Gemeente A with `certify(n)` to fill it with certified people; HR scoped to
    T; and an HR officer of another organisation."""
    organisation = make.organisation()
    unit = make.unit(organisation, "T")
    hr = make.user(Role.HR, email="hr@example.org", name="HR T", unit=unit)
    db.session.add(HrScope(user_id=hr.id, unit_id=unit.id))
    db.session.commit()
    stranger_org = make.organisation("gemeente-b", "Gemeente B")
    stranger = make.user(Role.HR, Role.ADMIN, organisation=stranger_org, email="b@example.org")
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))

    def certify(count: int) -> None:
        rows = [
            {
                "organisation_id": organisation.id,
                "unit_id": unit.id,
                "email": f"mens{index}@example.org",
                "name": f"Mens {index:05d}",
                "employee_number": f"M{index:05d}",
                "language": "nl",
                "active": True,
            }
            for index in range(count)
        ]
        db.session.execute(sa.insert(User), rows)
        db.session.commit()
        for user in db.session.scalars(sa.select(User).where(User.email.like("mens%"))):
            db.session.add(Assignment(user_id=user.id, path_id=path.id))
            issuing.issue_for_path(user, path)
        db.session.commit()

    return {"unit": unit, "hr": hr, "stranger": stranger, "certify": certify, "path": path}


@contextmanager
def consumer_threads(huey, workers: int = 2):
    """huey's own consumer, its workers as threads in this process (not immediate mode)."""
    assert not huey.immediate
    saved = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    consumer = huey.create_consumer(
        workers=workers, periodic=False, initial_delay=0.05, max_delay=0.2, backoff=1.1
    )
    consumer.start()  # sets signal handlers: allowed, the tests run in the main thread
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)
        for number, handler in saved.items():
            signal.signal(number, handler)


def wait_for(job_id: int, statuses: set[str], seconds: float = 60, done_at_least: int = 0) -> Job:
    """Polls the job's row (as a page would) until it reaches one of `statuses`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()  # see other connections' commits
        job = db.session.get(Job, job_id)
        db.session.refresh(job)
        if job.status in statuses and job.done >= done_at_least:
            return job
        time.sleep(0.05)
    pytest.fail(f"job {job_id} stayed {job.status} ({job.done}/{job.total})")


@contextmanager
def worker_process(log: Path):
    """`flask jobs worker` as a separate process on the test database and queue."""
    env = {**os.environ, "GELETTERD_ENV": "testing", "FLASK_APP": "app:create_app"}
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "jobs", "worker", "--workers", "1", "--no-periodic"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
