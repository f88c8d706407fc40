"""API tokens: made once, shown once, stored only as a hash."""

from __future__ import annotations

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


def create_token(organisation: Organisation, name: str, actor: User | None) -> tuple[ApiToken, str]:
    """Returns the stored token row and the token itself, which is not kept anywhere."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        organisation_id=organisation.id,
        name=name,
        prefix=token[:10],
        token_hash=hash_token(token),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(row)
    db.session.flush()
    audit.record("api_token.create", actor=actor, target=f"api_token:{row.id}", name=name)
    return row, token


def find_active(token: str) -> ApiToken | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    return db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None)
        )
    )


def revoke(token: ApiToken, actor: User | None) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api_token.revoke", actor=actor, target=f"api_token:{token.id}")
