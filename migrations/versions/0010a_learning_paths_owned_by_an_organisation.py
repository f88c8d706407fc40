"""learning paths owned by an organisation (the studio's own paths)

A path with an organisation is that organisation's own, made in the studio from the shared course
and its own modules; null is a shared path from the repository. A separate revision after 0010,
which was merged (and may have run) before own paths existed.

Revision ID: 0010a
Revises: 0012
Create Date: 2026-12-05 09:25:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010a"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("learning_paths", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_learning_paths_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_learning_paths_organisation_id_organisations"),
            "organisations",
            ["organisation_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("learning_paths", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_learning_paths_organisation_id_organisations"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_learning_paths_organisation_id"))
        batch_op.drop_column("organisation_id")
