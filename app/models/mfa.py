"""Second factors of password accounts: a TOTP authenticator app and one-time recovery codes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.time import utcnow
from app.extensions import db


class TotpCredential(db.Model):
    """The shared secret of a person's authenticator app. One per person; it counts only once
    confirmed with a code from the app."""

    __tablename__ = "totp_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    #: Base32 as the authenticator app has it, sealed with AES-256-GCM when MFA_ENCRYPTION_KEY
    #: is set (app/auth/totp_secrets.py). It must be readable to check codes, so it cannot be
    #: hashed; see docs/security.md.
    secret: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Null while enrolment is unfinished: then the secret does not protect anything yet.
    confirmed_at: Mapped[datetime | None]
    #: The 30-second time step of the last code accepted: that code, and older ones, are refused.
    last_used_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    def __repr__(self) -> str:
        return f"<TotpCredential user {self.user_id} confirmed={self.confirmed_at is not None}>"


class RecoveryCode(db.Model):
    """A one-time code for when the authenticator app is lost; only its SHA-256 is kept (the
    codes are 80-bit random, so a slow hash adds nothing)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} of user {self.user_id} used={self.used_at is not None}>"
