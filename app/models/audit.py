"""Append-only audit log: who did what, to what, when and from where; each entry chained to the
one before it by a hash, so an edited, deleted or reordered entry shows (`flask audit verify`)."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.time import utcnow
from app.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Null for anonymous actors (a failed sign-in) and for the system itself.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Dotted verb, e.g. "auth.login", "certificate.revoke".
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: What was acted on, e.g. "certificate:GL-2026-000042".
    target: Mapped[str | None] = mapped_column(sa.String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    #: The `entry_hash` of the entry before this one ("" for the first).
    prev_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    #: SHA-256 over `prev_hash` and this entry's content (app/core/audit_chain.py).
    entry_hash: Mapped[str] = mapped_column(sa.String(64), default="")

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.target}>"


class AuditChainHead(db.Model):
    """One row: the newest entry of the chain. Every append locks and moves it, so two writers
    can never both chain onto the same entry."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int | None]
    last_hash: Mapped[str] = mapped_column(sa.String(64), default="")

    def __repr__(self) -> str:
        return f"<AuditChainHead {self.last_event_id}>"
