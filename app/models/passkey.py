"""Passkeys (WebAuthn credentials) as a second factor, and the one-time challenges they sign."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.time import utcnow
from app.extensions import db


class PasskeyCredential(db.Model):
    """A passkey a person registered: the authenticator keeps the private key, we keep the
    public key to check its signatures."""

    __tablename__ = "passkey_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The authenticator's id for the key, base64url as browsers send it; unique across users.
    credential_id: Mapped[str] = mapped_column(sa.String(1400), unique=True)
    #: COSE-encoded public key.
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    #: The authenticator's signature counter: a value that does not go up points at a cloned key.
    sign_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: How the browser can reach the authenticator ("usb", "internal", ...), as it told us.
    transports: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: The person's own name for it ("Laptop werk").
    name: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<PasskeyCredential {self.id} {self.name!r} of user {self.user_id}>"


class WebauthnChallenge(db.Model):
    """A random challenge handed to the browser, kept server-side (any app server can check it),
    used at most once and only for a few minutes."""

    __tablename__ = "webauthn_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: "register" or "authenticate": a challenge for one ceremony is no good for the other.
    purpose: Mapped[str] = mapped_column(sa.String(16))
    #: base64url, as it comes back inside the browser's clientDataJSON.
    challenge: Mapped[str] = mapped_column(sa.String(128), unique=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"<WebauthnChallenge {self.purpose} for user {self.user_id}>"
