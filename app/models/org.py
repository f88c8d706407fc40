"""Organisations and their tree of units (ministry → directorate → department → team)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

DEFAULT_TIME_ZONE = "Europe/Amsterdam"


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable identifier, used in URLs and imports.
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: The IANA time zone its pages show times in (timestamps are stored in UTC).
    time_zone: Mapped[str] = mapped_column(
        sa.String(64), default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE
    )

    units: Mapped[list[OrgUnit]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class OrgUnit(db.Model):
    __tablename__ = "org_units"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "code", name="uq_org_units_org_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    #: Null for the root units of an organisation.
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_units.id"), index=True)
    #: The unit's code in the HR system, unique within the organisation.
    code: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))

    organisation: Mapped[Organisation] = relationship(back_populates="units")
    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code} of org {self.organisation_id}>"
