"""How the app uses its database connections: tuning per database engine.

Nothing here changes what a request reads or writes; it changes what it costs.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache

import sqlalchemy as sa
from flask import Flask
from psycopg import ServerCursor
from psycopg.pq import TransactionStatus

from app.extensions import db


def _engine_of(app: Flask) -> sa.Engine:
    with app.app_context():
        return db.engine


def use_write_ahead_log_on_sqlite(app: Flask) -> None:
    """SQLite in WAL mode: pages keep reading while another worker writes, and a commit costs one
    sync of the log instead of the journal dance. Durability stays as it was (synchronous=FULL)."""
    engine = _engine_of(app)
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def set_pragmas(connection, _record) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()


def ping_idle_connections(app: Flask) -> None:
    """A pooled connection that has been idle for DATABASE_PING_AFTER_IDLE seconds is tested
    with a ping before use; a dead one is replaced, and the request never sees it.

    SQLAlchemy's pool_pre_ping does this before every use: a round trip on every request, for a
    connection that under load was used a few milliseconds ago. A connection that broke within
    the limit (the database restarted a moment after the connection's last use) fails its
    request with a 503, and SQLAlchemy then replaces every connection of the pool that is older
    than the break.
    """
    engine = _engine_of(app)
    if engine.dialect.name == "sqlite":
        return  # a file: nothing between the app and it that could break
    idle_limit = app.config["DATABASE_PING_AFTER_IDLE"]

    @sa.event.listens_for(engine, "checkin")
    def note_idle_since(_dbapi_connection, record) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.pop(_IDLE_SINCE, None)
        if idle_since is None or time.monotonic() - idle_since <= idle_limit:
            return  # new, or used just now
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool's documented signal: it discards this connection and takes another.
            raise sa.exc.DisconnectionError(str(error)) from error


_IDLE_SINCE = "geletterd.idle_since"


def begin_postgresql_transactions_at_first_write(app: Flask) -> None:
    """On PostgreSQL, a connection sends BEGIN just before the first statement that may write,
    instead of before the first statement of all.

    Most requests only read (a lesson, Mijn leren). For them BEGIN and the COMMIT or ROLLBACK at
    the end were two of their four round trips to the database, and a ROLLBACK also made psycopg
    drop every prepared statement of the connection, so PostgreSQL parsed and planned the next
    request's statements anew. Here psycopg's connections run in autocommit mode, so a plain
    read is a transaction of its own. Anything else (INSERT, UPDATE, DELETE, DDL, SAVEPOINT, a
    SELECT that locks rows, a server-side cursor) first opens a transaction, which SQLAlchemy's
    commit or rollback ends as before: psycopg sends COMMIT or ROLLBACK only when one is open.

    What a request sees does not change: PostgreSQL runs at READ COMMITTED, where each statement
    takes a fresh snapshot inside a transaction too, and a plain read takes no lock that a
    transaction would have held on to. Everything a request writes is still one transaction.
    """
    engine = _engine_of(app)
    if engine.dialect.name != "postgresql":
        return

    @sa.event.listens_for(engine, "connect")
    def use_autocommit(dbapi_connection, _record) -> None:
        dbapi_connection.autocommit = True

    @sa.event.listens_for(engine, "before_cursor_execute")
    def begin_before_writing(_conn, cursor, statement, _params, _context, _executemany) -> None:
        if cursor.connection.info.transaction_status != TransactionStatus.IDLE:
            return  # in a transaction already
        if _only_reads(statement) and not isinstance(cursor, ServerCursor):
            return
        # On the connection, not this cursor: a server-side cursor would DECLARE the BEGIN.
        cursor.connection.execute("BEGIN")


_READ_HEAD = re.compile(r"\s*(SELECT|WITH)\b", re.IGNORECASE)
#: What makes a SELECT or WITH statement more than a read: a data-modifying part (in a CTE), or
#: a row lock, which must be held in the transaction it is taken for.
_WRITES_OR_LOCKS = re.compile(
    r"\b(INSERT|UPDATE|DELETE|MERGE)\b|\bFOR\s+(NO\s+KEY\s+UPDATE|KEY\s+SHARE|SHARE)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=512)  # the app sends a few hundred distinct statements, each many times
def _only_reads(statement: str) -> bool:
    """Whether a statement only reads, and so can run outside a transaction. When unsure: no."""
    return bool(_READ_HEAD.match(statement)) and not _WRITES_OR_LOCKS.search(statement)
