"""TOTP secrets encrypted at rest: room for the sealed form (AES-256-GCM, base64url)

Existing secrets stay readable as they are; `flask auth reencrypt-totp` seals them once
MFA_ENCRYPTION_KEY is set.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 03:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

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
    # Sealed secrets do not fit back: run with the key unset and re-enrol, or keep 0017.
    with op.batch_alter_table("totp_credentials") as batch:
        batch.alter_column(
            "secret", existing_type=sa.String(length=255), type_=sa.String(length=64)
        )
