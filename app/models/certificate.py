"""Certificates: the evidence an employee and their organisation rely on."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.time import utcnow
from app.extensions import db
from app.models.content import LearningPath, ModuleVersion
from app.models.user import User

VALID_PATH_CERTIFICATE = "kind = 'path' AND revoked_at IS NULL AND superseded_by_id IS NULL"


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        # For the HR dashboards and the evidence report (migration 0008, docs/performance.md).
        sa.Index(
            "ix_certificates_valid_path",
            "user_id",
            "path_id",
            "expires_on",
            postgresql_where=sa.text(VALID_PATH_CERTIFICATE),
            sqlite_where=sa.text(VALID_PATH_CERTIFICATE),
        ),
        sa.Index(
            "ix_certificates_path_issued_at",
            "issued_at",
            postgresql_where=sa.text("kind = 'path'"),
            sqlite_where=sa.text("kind = 'path'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: "module" or "path".
    kind: Mapped[str] = mapped_column(sa.String(8))
    module_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("module_versions.id"))
    path_id: Mapped[int | None] = mapped_column(sa.ForeignKey("learning_paths.id"))
    #: What was completed, as shown on the certificate, frozen at issue time.
    title: Mapped[str] = mapped_column(sa.String(300))
    version: Mapped[str | None] = mapped_column(sa.String(32))
    score: Mapped[float | None]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_on: Mapped[date | None]
    #: Human-friendly, e.g. "GL-2026-000042".
    serial: Mapped[str] = mapped_column(sa.String(32), unique=True)
    #: Public verification code: 128 bits of randomness, base32.
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificates.id"))

    user: Mapped[User] = relationship()
    module_version: Mapped[ModuleVersion | None] = relationship()
    path: Mapped[LearningPath | None] = relationship()

    @hybrid_property
    def in_force(self) -> bool:
        """Neither revoked nor replaced by a newer one: the one definition of a certificate that
        counts (expiry is a matter of the day asked about: see certificates.issuing.validity)."""
        return self.revoked_at is None and self.superseded_by_id is None

    @in_force.inplace.expression
    @classmethod
    def _in_force_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.revoked_at.is_(None), cls.superseded_by_id.is_(None))

    def __repr__(self) -> str:
        return f"<Certificate {self.serial}>"
