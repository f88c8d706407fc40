"""How requests end their database transactions (app/database.py): a request that changed
nothing ends with COMMIT, so PostgreSQL keeps its prepared statements; one that may have changed
something and did not commit it is rolled back, as before."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from app import create_app
from app.extensions import db
from app.models import Organisation
from config import TestingConfig


class TransactionEnds:
    """Counts the COMMITs and ROLLBACKs an engine sends while listening."""

    def __init__(self, engine: sa.Engine):
        self.commits = self.rollbacks = 0
        self.engine = engine
        sa.event.listen(engine, "commit", self._commit)
        sa.event.listen(engine, "rollback", self._rollback)

    def _commit(self, _connection) -> None:
        self.commits += 1

    def _rollback(self, _connection) -> None:
        self.rollbacks += 1

    def stop(self) -> None:
        sa.event.remove(self.engine, "commit", self._commit)
        sa.event.remove(self.engine, "rollback", self._rollback)


@pytest.fixture
def ends(app: Flask):
    counter = TransactionEnds(db.engine)
    yield counter
    counter.stop()


def test_a_page_that_only_reads_ends_with_commit(auth, make, content, ends):
    learner = make.user()
    auth.login(learner)
    # The first visit starts the module, a write; after it, these pages only read.
    auth.client.get("/modules/proef/01-wat-is-een-model")
    ends.commits = ends.rollbacks = 0
    for path in ("/mijn-leren", "/modules/proef/01-wat-is-een-model", "/modules/proef"):
        assert auth.client.get(path).status_code == 200
    assert (ends.commits, ends.rollbacks) == (3, 0)


@pytest.fixture
def probe_app():
    """A second app on the test database with routes that write without committing: the
    teardown must roll those back. (Routes can only be added before an app's first request.)"""
    probe = create_app(TestingConfig)

    @probe.get("/probe/flush")
    def flush_without_commit():
        db.session.add(Organisation(slug="geflusht", name="Geflusht"))
        db.session.flush()
        return "flushed"

    @probe.get("/probe/add")
    def add_without_flush():
        db.session.add(Organisation(slug="toegevoegd", name="Toegevoegd"))
        return "added"

    @probe.get("/probe/text")
    def textual_insert():
        db.session.execute(sa.text("INSERT INTO organisations (slug, name) VALUES ('tekst', 'T')"))
        return "inserted"

    @probe.get("/probe/commit-then-read")
    def commit_then_read():
        db.session.add(Organisation(slug="vastgelegd", name="Vastgelegd"))
        db.session.commit()
        return str(db.session.scalar(sa.select(sa.func.count(Organisation.id))))

    @probe.get("/probe/read")
    def read():
        return str(db.session.scalar(sa.select(Organisation.id).where(Organisation.id == 1)))

    @probe.get("/probe/prepared")
    def prepared_statements():
        return str(db.session.scalar(sa.text("SELECT count(*) FROM pg_prepared_statements")))

    yield probe
    with probe.app_context():
        db.engine.dispose()


def stored_slugs() -> set[str]:
    db.session.rollback()  # a fresh snapshot
    return set(db.session.scalars(sa.select(Organisation.slug)))


@pytest.mark.parametrize("route", ["/probe/flush", "/probe/add", "/probe/text"])
def test_a_request_that_wrote_without_committing_is_rolled_back(probe_app, route):
    with probe_app.app_context():
        counter = TransactionEnds(db.engine)
    assert probe_app.test_client().get(route).status_code == 200
    counter.stop()
    assert stored_slugs() == set()
    assert counter.commits == 0


def test_a_request_that_committed_and_then_read_ends_with_commit(probe_app):
    with probe_app.app_context():
        counter = TransactionEnds(db.engine)
    assert probe_app.test_client().get("/probe/commit-then-read").text == "1"
    counter.stop()
    assert stored_slugs() == {"vastgelegd"}
    assert (counter.commits, counter.rollbacks) == (2, 0)


def test_postgresql_keeps_prepared_statements_across_read_only_requests(probe_app):
    with probe_app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("prepared statements are PostgreSQL's")
    client = probe_app.test_client()
    for _ in range(8):  # psycopg prepares a statement from its fifth execution on
        client.get("/probe/read")
    assert int(client.get("/probe/prepared").text) >= 1
