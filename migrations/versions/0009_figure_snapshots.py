"""figure snapshots: the HR dashboard's figures for scopes too large to count live

At 100,000 employees counting the whole organisation takes 250-450 ms (docs/performance.md,
"HR at 100,000 employees"); the dashboard then shows figures computed at most a few minutes
earlier, kept here and refreshed by `flask figures refresh`.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 03:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "figure_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_figure_snapshots_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_snapshots")),
        sa.UniqueConstraint("organisation_id", "scope", name="uq_figure_snapshots_scope"),
    )


def downgrade():
    op.drop_table("figure_snapshots")
