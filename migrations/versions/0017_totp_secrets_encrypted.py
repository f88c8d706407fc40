"""TOTP secrets encrypted at rest: room for the sealed form (AES-256-GCM, base64url)

Existing secrets stay readable as they are; `flask auth reencrypt-totp` seals them once
MFA_ENCRYPTION_KEY is set. A downgrade decrypts them again (with the configured keys).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 03:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

from app.auth import totp_secrets

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("totp_credentials") as batch:
        batch.alter_column(
            "secret", existing_type=sa.String(length=64), type_=sa.String(length=255)
        )


def downgrade():
    # Sealed secrets do not fit the old column: they are stored decrypted again, which needs the
    # keys they were sealed with (the app's configuration, as Flask-Migrate runs in it).
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, user_id, secret FROM totp_credentials")).all()
    for row_id, user_id, secret in rows:
        if totp_secrets.is_sealed(secret):
            bind.execute(
                sa.text("UPDATE totp_credentials SET secret = :secret WHERE id = :id"),
                {"secret": totp_secrets.reveal(secret, user_id), "id": row_id},
            )
    with op.batch_alter_table("totp_credentials") as batch:
        batch.alter_column(
            "secret", existing_type=sa.String(length=255), type_=sa.String(length=64)
        )
