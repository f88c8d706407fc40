"""Single sign-on: an organisation's own OpenID Connect identity provider."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.time import utcnow
from app.extensions import db
from app.models.org import Organisation

#: The claim that matches accounts by e-mail address; any other claim matches the employee number.
EMAIL_CLAIM = "email"


class IdentityProvider(db.Model):
    """One per organisation: its people sign in there, and only its accounts can be matched."""

    __tablename__ = "identity_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), unique=True)
    #: Shown on the login button: "Inloggen met <name>".
    name: Mapped[str] = mapped_column(sa.String(200))
    #: The provider's issuer URL; discovery is at <issuer>/.well-known/openid-configuration and
    #: the ID token's "iss" must equal it exactly.
    issuer: Mapped[str] = mapped_column(sa.String(500))
    client_id: Mapped[str] = mapped_column(sa.String(255))
    #: The NAME of the environment variable holding the client secret; the secret itself is
    #: never stored in the database, so a database dump or backup does not leak it.
    client_secret_env: Mapped[str] = mapped_column(sa.String(100))
    #: "email", or the claim that carries the employee number (e.g. "employee_number").
    match_claim: Mapped[str] = mapped_column(sa.String(64), default=EMAIL_CLAIM)
    #: Create a learner account on first sign-in when no account matches.
    create_accounts: Mapped[bool] = mapped_column(default=False)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    def __repr__(self) -> str:
        return f"<IdentityProvider {self.issuer} for org {self.organisation_id}>"

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @property
    def matches_by_email(self) -> bool:
        return self.match_claim == EMAIL_CLAIM
