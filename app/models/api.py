"""Bearer tokens for the read-only JSON API, made by an admin and scoped to one organisation."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.time import utcnow
from app.extensions import db


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    #: What the token is for, e.g. "AFAS koppeling".
    name: Mapped[str] = mapped_column(sa.String(200))
    #: A longer note: which system uses it, who looks after it.
    note: Mapped[str | None] = mapped_column(sa.String(1000))
    #: The last day the token works; null for tokens made before tokens had to expire.
    expires_on: Mapped[date | None]
    #: The first characters of the token, to recognise it in lists; the token itself is not kept.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    #: SHA-256 of the token: a stolen database does not give working tokens.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    def expired(self, today: date) -> bool:
        return self.expires_on is not None and today > self.expires_on

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… of org {self.organisation_id}>"
