"""certificates: partial indexes for the HR dashboards and the evidence report

The dashboards join every assignment in scope with the valid path certificates, and count the
path certificates issued per week. At 100,000 employees (bench/hr.py) these two partial indexes
take the certificates out of the cost: a few thousand index entries are read instead of every
certificate row (docs/performance.md, "HR at 100,000 employees").

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 00:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

VALID_PATH = sa.text("kind = 'path' AND revoked_at IS NULL AND superseded_by_id IS NULL")
PATH = sa.text("kind = 'path'")


def upgrade():
    op.create_index(
        "ix_certificates_valid_path",
        "certificates",
        ["user_id", "path_id", "expires_on"],
        postgresql_where=VALID_PATH,
        sqlite_where=VALID_PATH,
    )
    op.create_index(
        "ix_certificates_path_issued_at",
        "certificates",
        ["issued_at"],
        postgresql_where=PATH,
        sqlite_where=PATH,
    )


def downgrade():
    op.drop_index("ix_certificates_path_issued_at", table_name="certificates")
    op.drop_index("ix_certificates_valid_path", table_name="certificates")
