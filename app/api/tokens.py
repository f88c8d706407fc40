"""API tokens: made once, shown once, stored only as a hash; each works until its expiry date
(inclusive) unless revoked earlier."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa

from app.core import audit
from app.core.time import utcnow
from app.extensions import db
from app.models import ApiToken, Organisation, User

#: Lets secret scanners and people recognise a Geletterd token.
TOKEN_PREFIX = "glt_"  # noqa: S105 - a prefix, not a secret


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


#: How long a token works when its maker names no date.
DEFAULT_LIFETIME = dt.timedelta(days=365)


def create_token(
    organisation: Organisation,
    name: str,
    actor: User | None,
    *,
    expires_on: dt.date | None = None,
    note: str | None = None,
) -> tuple[ApiToken, str]:
    """Returns the stored token row and the token itself, which is not kept anywhere. Without
    `expires_on` the token works for DEFAULT_LIFETIME."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        organisation_id=organisation.id,
        name=name,
        note=note or None,
        expires_on=expires_on or utcnow().date() + DEFAULT_LIFETIME,
        prefix=token[:10],
        token_hash=hash_token(token),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "api_token.create",
        actor=actor,
        target=f"api_token:{row.id}",
        name=name,
        expires_on=row.expires_on.isoformat(),
    )
    return row, token


def find_unrevoked(token: str) -> ApiToken | None:
    """The token's row unless it was revoked, expired or not."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    return db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None)
        )
    )


def find_active(token: str) -> ApiToken | None:
    """The token's row if it works today: not revoked, not expired."""
    row = find_unrevoked(token)
    return None if row is None or row.expired(utcnow().date()) else row


def revoke(token: ApiToken, actor: User | None) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api_token.revoke", actor=actor, target=f"api_token:{token.id}")
