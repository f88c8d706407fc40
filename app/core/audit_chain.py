"""The hash chain of the audit log: every entry carries SHA-256 over the previous entry's hash
and its own content, so changing, removing or reordering an entry breaks the chain after it.

Appends are serialised by the single row of `audit_chain_head`: a writer first updates that row,
which takes PostgreSQL's row lock (held to the end of its transaction) and SQLite's write lock,
then chains onto the head it finds. Two concurrent writers therefore never chain onto the same
entry; the second waits for the first to commit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.core.time import utcnow
from app.extensions import db
from app.models import AuditChainHead, AuditEvent

HEAD_ID = 1
_head = AuditChainHead.__table__


def content_of(event: AuditEvent) -> str:
    """The entry's content as one canonical string: what the hash covers."""
    return json.dumps(
        [
            event.at.isoformat(timespec="microseconds"),
            event.actor_id,
            event.action,
            event.target,
            event.detail or {},
            event.ip,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def entry_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(f"{prev_hash}\n{content_of(event)}".encode()).hexdigest()


def _lock_head() -> str:
    """Locks the chain head for this transaction and returns the newest entry's hash."""
    lock = sa.update(_head).where(_head.c.id == HEAD_ID).values(last_hash=_head.c.last_hash)
    if db.session.execute(lock).rowcount == 0:
        # No head row (the migration makes it; an emptied database has none): make it, once
        # even when several writers try at the same moment, then lock it.
        db.session.execute(_insert_head_unless_there())
        db.session.execute(lock)
    return db.session.execute(sa.select(_head.c.last_hash).where(_head.c.id == HEAD_ID)).scalar()


def _insert_head_unless_there() -> sa.Insert:
    values = {"id": HEAD_ID, "last_event_id": None, "last_hash": ""}
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(_head).values(values).on_conflict_do_nothing()
    return sqlite.insert(_head).values(values).on_conflict_do_nothing()


def append(event: AuditEvent) -> None:
    """Chains `event` onto the log and writes it (in the caller's transaction)."""
    prev_hash = _lock_head()
    if event.at is None:
        event.at = utcnow()
    event.detail = event.detail or {}
    event.prev_hash = prev_hash
    event.entry_hash = entry_hash(prev_hash, event)
    db.session.add(event)
    db.session.flush()
    db.session.execute(
        sa.update(_head)
        .where(_head.c.id == HEAD_ID)
        .values(last_event_id=event.id, last_hash=event.entry_hash)
    )


@dataclass(frozen=True)
class Break:
    """One place where the chain does not hold."""

    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"entry {self.event_id}" if self.event_id is not None else "end of the log"
        return f"{where}: {self.problem}"


def _events() -> Iterator[AuditEvent]:
    statement = sa.select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    yield from db.session.scalars(statement)


def verify() -> list[Break]:
    """Every break in the chain, oldest first; an empty list when the log is intact."""
    breaks: list[Break] = []
    previous_hash, previous_id = "", None
    for event in _events():
        if event.prev_hash != previous_hash:
            where = "the start" if previous_id is None else f"entry {previous_id}"
            breaks.append(
                Break(event.id, f"does not follow {where}: entries between were deleted or moved")
            )
        if entry_hash(event.prev_hash, event) != event.entry_hash:
            breaks.append(Break(event.id, "content changed after it was written"))
        previous_hash, previous_id = event.entry_hash, event.id
    head = db.session.execute(sa.select(_head).where(_head.c.id == HEAD_ID)).one_or_none()
    if head is not None and (head.last_event_id, head.last_hash) != (previous_id, previous_hash):
        breaks.append(
            Break(None, f"the newest entry should be {head.last_event_id}: entries were deleted")
        )
    return breaks
