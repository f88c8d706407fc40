"""The queue works with a real consumer, on its SQLite file and on Redis; periodic work runs
once per time slot however many workers there are."""

from __future__ import annotations

import io
import uuid

import pytest
import redis
from openpyxl import load_workbook

from app import create_app
from app.jobs.queue import huey_for, make_huey
from app.jobs.tasks import once_per_slot
from app.models import Job
from config import TestingConfig
from tests.conftest import FreshContextClient
from tests.jobs.conftest import consumer_threads, session_for, wait_for
from tests.jobs.helpers import download_link, fetched, start_job

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own (tests/test_scale_out.py has 14)


@pytest.fixture
def redis_app(app):
    """The same app and database, its queue on Redis under a name of its own."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not running at {REDIS_URL}: .ci/run starts it")

    class RedisQueueConfig(TestingConfig):
        JOB_QUEUE_URL = REDIS_URL
        JOB_QUEUE_NAME = f"geletterd-test-{uuid.uuid4().hex[:8]}"

    application = create_app(RedisQueueConfig)
    application.test_client_class = FreshContextClient
    yield application
    huey_for(application).flush()


def export_with_a_consumer(application, team) -> bytes:
    """HR starts the Excel export from its page; a consumer picks it up; HR downloads it."""
    team["certify"](25)
    hr = session_for(application, team["hr"])
    job_page = start_job(hr, "/hr/export.xlsx")
    job = Job.query.filter_by(public_id=job_page.rsplit("/", 1)[1]).one()
    with consumer_threads(huey_for(application)):
        wait_for(job.id, {"done", "failed"})
    html = hr.client.get(job_page).get_data(as_text=True)
    assert "<progress" in html and 'http-equiv="refresh"' not in html  # finished: no refresh
    return fetched(hr, download_link(html)).data


def rows_of(workbook: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(workbook), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_consumer_on_the_sqlite_queue_runs_the_export(app, team):
    assert app.config["JOB_QUEUE_URL"].startswith("sqlite:///")
    huey_for(app).flush()
    rows = rows_of(export_with_a_consumer(app, team))
    assert len(rows) == 1 + 25 and rows[1][1] == "Mens 00000"


def test_a_consumer_on_the_redis_queue_runs_the_export(redis_app, team):
    assert type(huey_for(redis_app)).__name__ == "RedisHuey"
    rows = rows_of(export_with_a_consumer(redis_app, team))
    assert len(rows) == 1 + 25


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_periodic_work_runs_once_per_slot_however_many_workers(backend, tmp_path):
    """Two workers (two Huey objects on one store, as two processes have) claim the same
    minute: only the first runs the work."""
    url = f"sqlite:///{tmp_path}/queue.db" if backend == "sqlite" else REDIS_URL
    name = f"periodic-{uuid.uuid4().hex[:8]}"
    first, second = make_huey(url, name), make_huey(url, name)
    try:
        claims = [once_per_slot(worker, "reminders_send", 3600) for worker in (first, second)]
        assert claims == [True, False]
    finally:
        first.flush()
