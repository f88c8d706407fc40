"""How the app talks to its database (app/database.py).

On PostgreSQL a transaction opens just before the first statement that may write, so a request
that only reads sends no BEGIN, COMMIT or ROLLBACK, while everything a request writes is still one
transaction. A pooled connection is pinged before use only after it sat idle.
"""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from flask import Flask
from psycopg.pq import TransactionStatus

from app import create_app
from app.database import _only_reads
from app.extensions import db
from app.models import Organisation
from config import TestingConfig
from tests.conftest import csrf_token

ON_POSTGRESQL = TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql")
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="PostgreSQL's: run with TEST_DATABASE_URL=postgresql:///<database>"
)


def transaction_status() -> str:
    """IDLE (no transaction open) or INTRANS, of the connection the request's session uses."""
    dbapi_connection = db.session.connection().connection.dbapi_connection
    return TransactionStatus(dbapi_connection.info.transaction_status).name


def make_probe_app(**settings) -> Flask:
    """A second app on the test database with routes that read, write, fail and lock. (Routes
    can only be added before an app's first request.)"""
    probe = create_app(type("ProbeConfig", (TestingConfig,), settings))

    @probe.get("/probe/read")
    def read():
        db.session.scalar(sa.select(Organisation.id).where(Organisation.id == 1))
        return transaction_status() if ON_POSTGRESQL else "-"

    @probe.get("/probe/lock")
    def lock():
        db.session.scalar(sa.select(Organisation.id).with_for_update())
        return transaction_status()

    @probe.get("/probe/flush")
    def flush_without_commit():
        db.session.add(Organisation(slug="geflusht", name="Geflusht"))
        db.session.flush()
        return transaction_status() if ON_POSTGRESQL else "-"

    @probe.get("/probe/add")
    def add_without_flush():
        db.session.add(Organisation(slug="toegevoegd", name="Toegevoegd"))
        return "added"

    @probe.get("/probe/text")
    def textual_insert():
        db.session.execute(sa.text("INSERT INTO organisations (slug, name) VALUES ('tekst', 'T')"))
        return "inserted"

    @probe.get("/probe/two-writes-then-error")
    def two_writes_then_error():
        db.session.add(Organisation(slug="eerste", name="Eerste"))
        db.session.flush()
        db.session.execute(sa.text("INSERT INTO organisations (slug, name) VALUES ('tweede', 'T')"))
        raise RuntimeError("the request fails after writing twice")

    @probe.get("/probe/commit-then-read")
    def commit_then_read():
        db.session.add(Organisation(slug="vastgelegd", name="Vastgelegd"))
        db.session.commit()
        return str(db.session.scalar(sa.select(sa.func.count(Organisation.id))))

    @probe.get("/probe/prepared")
    def prepared_statements():
        return str(db.session.scalar(sa.text("SELECT count(*) FROM pg_prepared_statements")))

    @probe.get("/probe/pid")
    def backend_pid():
        return str(db.session.scalar(sa.text("SELECT pg_backend_pid()")))

    return probe


@pytest.fixture
def probe_app():
    probe = make_probe_app()
    yield probe
    with probe.app_context():
        db.engine.dispose()


def stored_slugs() -> set[str]:
    db.session.rollback()  # a fresh snapshot
    return set(db.session.scalars(sa.select(Organisation.slug)))


@pytest.mark.parametrize(
    ("statement", "reads_only"),
    [
        ("SELECT users.id FROM users WHERE users.id = %(id)s", True),
        ("  select updated_at, last_update from t", True),
        ("WITH RECURSIVE tree AS (SELECT 1) SELECT * FROM tree", True),
        ("SELECT id FROM users FOR UPDATE", False),
        ("select id from users for no key update", False),
        ("SELECT id FROM users FOR SHARE", False),
        ("WITH moved AS (UPDATE t SET a = 1 RETURNING a) SELECT a FROM moved", False),
        ("INSERT INTO organisations (slug) VALUES ('x')", False),
        ("UPDATE users SET name = 'x'", False),
        ("DELETE FROM users", False),
        ("SAVEPOINT sa_savepoint_1", False),
        ("CREATE TABLE t (id int)", False),
        ("SELECTED", False),
    ],
)
def test_which_statements_run_outside_a_transaction(statement, reads_only):
    assert _only_reads(statement) is reads_only


@postgresql_only
def test_a_read_opens_no_transaction_and_a_write_or_row_lock_does(probe_app):
    client = probe_app.test_client()
    assert client.get("/probe/read").text == "IDLE"
    assert client.get("/probe/lock").text == "INTRANS"
    assert client.get("/probe/flush").text == "INTRANS"


@postgresql_only
def test_real_pages_read_outside_a_transaction_and_write_inside_one(auth, make, content):
    """Which statements of a lesson, Mijn leren and marking a lesson read ran in a transaction."""
    seen: list[tuple[str, str]] = []

    def note(_conn, cursor, statement, *_args) -> None:  # runs after the app's own listener
        status = TransactionStatus(cursor.connection.info.transaction_status).name
        seen.append((statement.split(None, 1)[0].upper(), status))

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        auth.login(make.user())
        lesson = "/modules/proef/01-wat-is-een-model"
        auth.client.get(lesson)  # the first visit starts the module: a write
        seen.clear()
        for path in (lesson, "/mijn-leren", "/modules/proef"):
            assert auth.client.get(path).status_code == 200
        reads = list(seen)
        token = csrf_token(auth.client, lesson)
        seen.clear()
        assert auth.client.post(f"{lesson}/gelezen", data={"csrf_token": token}).status_code == 302
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    assert reads and {status for _, status in reads} == {"IDLE"}
    writes = [status for verb, status in seen if verb in ("INSERT", "UPDATE", "DELETE")]
    assert writes and set(writes) == {"INTRANS"}


@pytest.mark.parametrize("route", ["/probe/flush", "/probe/add", "/probe/text"])
def test_a_request_that_wrote_without_committing_is_rolled_back(probe_app, route):
    assert probe_app.test_client().get(route).status_code == 200
    assert stored_slugs() == set()


def test_everything_a_request_writes_is_one_transaction(probe_app):
    """The first write opens the transaction: when the request fails after its second write,
    neither stays."""
    with pytest.raises(RuntimeError):
        probe_app.test_client().get("/probe/two-writes-then-error")
    assert stored_slugs() == set()


def test_a_request_that_committed_and_then_read_keeps_its_write(probe_app):
    assert probe_app.test_client().get("/probe/commit-then-read").text == "1"
    assert stored_slugs() == {"vastgelegd"}


@postgresql_only
def test_postgresql_keeps_prepared_statements_across_read_only_requests(probe_app):
    """psycopg drops a connection's prepared statements at every ROLLBACK; a request that only
    reads must not cause one, or PostgreSQL plans every page's statements anew."""
    client = probe_app.test_client()
    for _ in range(8):  # psycopg prepares a statement from its fifth execution on
        client.get("/probe/read")
    assert int(client.get("/probe/prepared").text) >= 1


def terminate_backend(pid: int) -> None:
    """Ends the database session of another connection, as a database restart would."""
    db.session.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    db.session.commit()
    gone = sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
    deadline = time.monotonic() + 5
    while db.session.scalar(gone, {"pid": pid}) and time.monotonic() < deadline:
        time.sleep(0.02)


@postgresql_only
def test_a_connection_that_died_while_idle_is_replaced_before_a_request_sees_it():
    probe = make_probe_app(DATABASE_PING_AFTER_IDLE=0)
    client = probe.test_client()
    pid = int(client.get("/probe/pid").text)
    terminate_backend(pid)
    assert client.get("/probe/read").status_code == 200
    assert int(client.get("/probe/pid").text) != pid
    with probe.app_context():
        db.engine.dispose()


@postgresql_only
def test_a_connection_used_just_now_is_trusted_and_the_pool_recovers_after_one_503():
    """Not pinged within the idle limit: a connection that broke since its last use fails one
    request, with the clear 503, and the next request gets a fresh connection."""
    probe = make_probe_app(DATABASE_PING_AFTER_IDLE=3600)
    client = probe.test_client()
    pid = int(client.get("/probe/pid").text)
    terminate_backend(pid)
    assert client.get("/probe/read").status_code == 503
    assert client.get("/probe/read").status_code == 200
    assert int(client.get("/probe/pid").text) != pid
    with probe.app_context():
        db.engine.dispose()
