"""Interoperability: badge signing keys, the xAPI outbox and each organisation's LRS."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.time import utcnow
from app.extensions import db


class BadgeSigningKey(db.Model):
    """A key that signs Open Badges. The newest unretired one signs; retired ones keep their
    public half so badges they signed stay verifiable, and lose their private half."""

    __tablename__ = "badge_signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The JWK thumbprint (RFC 7638), also the last part of the key's public URL.
    kid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The public key as a JWK (no private members).
    public_jwk: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    #: The private JWK, encrypted (app/interop/sealed.py); null once the key is retired.
    private_sealed: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<BadgeSigningKey {self.kid[:8]}{' retired' if self.retired_at else ''}>"


class LrsConnection(db.Model):
    """Where an organisation's xAPI statements go: one learning record store per organisation."""

    __tablename__ = "lrs_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    #: The LRS's xAPI endpoint, e.g. "https://lrs.example.org/xAPI/" (statements are PUT below it).
    endpoint: Mapped[str] = mapped_column(sa.String(500))
    #: HTTP Basic credentials; the secret is encrypted (app/interop/sealed.py).
    username: Mapped[str] = mapped_column(sa.String(200))
    secret_sealed: Mapped[str] = mapped_column(sa.Text)
    #: The actor's account home page: the organisation's own site.
    home_page: Mapped[str] = mapped_column(sa.String(500))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<LrsConnection org {self.organisation_id} {self.endpoint}>"


class XapiOutboxEntry(db.Model):
    """An xAPI statement waiting for (or past) delivery. Its id is fixed when the event happens,
    so however often delivery is retried, the LRS stores it once."""

    __tablename__ = "xapi_outbox"
    __table_args__ = (sa.Index("ix_xapi_outbox_pending", "organisation_id", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    #: The whole statement as sent.
    statement: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    def __repr__(self) -> str:
        return f"<XapiOutboxEntry {self.statement_id}{' sent' if self.sent_at else ''}>"
