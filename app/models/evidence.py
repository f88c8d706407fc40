"""What the Art. 4 evidence report starts from: the AI systems the organisation uses."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.time import utcnow
from app.extensions import db


class AiSystem(db.Model):
    """An AI system the organisation lists as in use: the start of the Art. 4 evidence report."""

    __tablename__ = "ai_systems"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    purpose: Mapped[str] = mapped_column(sa.Text)
    #: "prohibited", "high", "transparency" or "minimal" (the AI Act's risk levels).
    risk_class: Mapped[str] = mapped_column(sa.String(16))
    #: Job roles that work with the system (lower-cased, as in the HR export).
    job_roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: Link to its entry in the Algoritmeregister, when there is one.
    register_url: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<AiSystem {self.name}>"
