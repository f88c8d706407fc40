"""People, their roles, and the units an HR person may see."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.time import utcnow
from app.extensions import db
from app.models.org import Organisation, OrgUnit

if TYPE_CHECKING:
    from app.models.hr import UserJobRole


class Role(enum.StrEnum):
    """A role is a set of permissions; one person may hold several."""

    LEARNER = "learner"
    TRAINER = "trainer"
    HR = "hr"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.UniqueConstraint(
            "organisation_id", "employee_number", name="uq_users_org_employee_number"
        ),
        # Emails are unique case-insensitively because they are only ever stored lower-cased.
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_units.id"), index=True)
    #: Always stored lower-cased, so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    employee_number: Mapped[str | None] = mapped_column(sa.String(64))
    language: Mapped[str] = mapped_column(sa.String(2), default="nl")
    active: Mapped[bool] = mapped_column(default=True)
    #: Null for accounts that only sign in through single sign-on.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    #: Part of the session cookie; renewing it signs out every existing session of this person.
    session_token: Mapped[str] = mapped_column(
        sa.String(64), default=lambda: secrets.token_urlsafe(32)
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the account was deactivated (left the organisation); the retention period counts
    #: from here.
    deactivated_at: Mapped[datetime | None]
    #: When personal data was replaced by a pseudonym after the retention period.
    pseudonymised_at: Mapped[datetime | None]
    #: The last successful sign-in (password with its second factor, or single sign-on), for
    #: the access review.
    last_sign_in_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    unit: Mapped[OrgUnit | None] = relationship()
    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    hr_scopes: Mapped[list[HrScope]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    job_roles: Mapped[list[UserJobRole]] = relationship(cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    @property
    def job_role_names(self) -> list[str]:
        return sorted(role.job_role for role in self.job_roles)

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    @property
    def roles(self) -> set[Role]:
        return {Role(grant.role) for grant in self.role_grants}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        # The session token travels with the id, so renewing the token ends old sessions.
        return f"{self.id}:{self.session_token}"

    def renew_session_token(self) -> None:
        self.session_token = secrets.token_urlsafe(32)

    def deactivate(self) -> None:
        """Ends the account's sessions now; the retention period starts."""
        if self.active or self.deactivated_at is None:
            self.deactivated_at = utcnow()
        self.active = False
        self.renew_session_token()


class RoleGrant(db.Model):
    __tablename__ = "role_grants"
    __table_args__ = (sa.UniqueConstraint("user_id", "role", name="uq_role_grants_user_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(16))

    user: Mapped[User] = relationship(back_populates="role_grants")

    def __repr__(self) -> str:
        return f"<RoleGrant {self.role} to user {self.user_id}>"


class HrScope(db.Model):
    """An HR person sees the people of this unit and of every unit below it."""

    __tablename__ = "hr_scopes"
    __table_args__ = (sa.UniqueConstraint("user_id", "unit_id", name="uq_hr_scopes_user_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_units.id"), index=True)

    user: Mapped[User] = relationship(back_populates="hr_scopes")
    unit: Mapped[OrgUnit] = relationship()

    def __repr__(self) -> str:
        return f"<HrScope user {self.user_id} unit {self.unit_id}>"
