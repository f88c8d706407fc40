"""organisations.time_zone: times are shown in the organisation's own zone

Timestamps stay naive UTC in the database; pages show them in this zone (an IANA name).

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-05 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(
            sa.Column(
                "time_zone",
                sa.String(length=64),
                nullable=False,
                server_default="Europe/Amsterdam",
            )
        )


def downgrade():
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("time_zone")
