"""How the app uses its database connections: tuning per database engine.

Nothing here changes what a request reads or writes; it changes what it costs.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import ORMExecuteState, Session

from app.extensions import db


def use_write_ahead_log_on_sqlite(app: Flask) -> None:
    """SQLite in WAL mode: pages keep reading while another worker writes, and a commit costs one
    sync of the log instead of the journal dance. Durability stays as it was (synchronous=FULL)."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def set_pragmas(connection, _record) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()


# Whether the session's transaction may have changed the database, kept in session.info. Listened
# for once on every Session, not per app: create_app runs many times in one test process.
_WROTE = "geletterd.wrote"


@sa.event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context) -> None:
    session.info[_WROTE] = True


@sa.event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if not state.is_select:  # an ORM UPDATE/DELETE/INSERT, or a textual statement
        state.session.info[_WROTE] = True


@sa.event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction) -> None:
    if transaction.parent is None:  # the database transaction itself, not a savepoint
        session.info.pop(_WROTE, None)


def end_read_only_requests_with_commit(app: Flask) -> None:
    """A request whose transaction changed nothing ends it with COMMIT instead of the ROLLBACK
    Flask-SQLAlchemy sends when it closes the session.

    To the database the two are the same for a transaction that wrote nothing. To psycopg they
    are not: at a ROLLBACK it drops every server-side prepared statement of the connection and
    sends DEALLOCATE ALL, so a page that only reads (Mijn leren, a lesson) would have PostgreSQL
    parse and plan its statements anew on every view, each with an extra round trip to prepare
    it. A flush, an ORM UPDATE/DELETE/INSERT, a textual statement, unflushed changes or an error
    keep the rollback.
    """

    @app.teardown_request
    def commit_if_read_only(error: BaseException | None) -> None:
        session = db.session()
        if error is not None or session.info.get(_WROTE) or not session.in_transaction():
            return
        if session.new or session.dirty or session.deleted:
            return  # the view chose not to commit these
        try:
            session.commit()
        except sa.exc.SQLAlchemyError:  # say, the connection broke: the rollback follows anyway
            session.rollback()
