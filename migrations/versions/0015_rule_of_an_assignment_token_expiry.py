"""Assignments remember the rule that made them (so editing or removing a rule can change or
withdraw what it gave); API tokens get an expiry date and a note of what they are for; an
applied import keeps what it did.

Existing assignments are linked to the oldest rule that selects the person for the path, as the
rules stand now; assignments no rule selects stay unlinked (made by hand), and no rule change
ever touches them.

Revision ID: 0015
Revises: 0013, 0014
Create Date: 2026-12-05 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("rule_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_assignments_rule_id"), ["rule_id"])
        batch.create_foreign_key(
            batch.f("fk_assignments_rule_id_assignment_rules"),
            "assignment_rules",
            ["rule_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("note", sa.String(length=1000), nullable=True))
        batch.add_column(sa.Column("expires_on", sa.Date(), nullable=True))
    with op.batch_alter_table("import_batches") as batch:
        batch.add_column(sa.Column("outcome", sa.JSON(), nullable=True))
    _link_assignments_to_rules()


def _link_assignments_to_rules():
    connection = op.get_bind()
    children, people, roles = {}, {}, {}
    for unit_id, parent_id in connection.execute(sa.text("SELECT id, parent_id FROM org_units")):
        children.setdefault(parent_id, []).append(unit_id)
    for user_id, organisation_id, unit_id in connection.execute(
        sa.text("SELECT id, organisation_id, unit_id FROM users")
    ):
        people[user_id] = (organisation_id, unit_id)
    for user_id, job_role in connection.execute(
        sa.text("SELECT user_id, job_role FROM user_job_roles")
    ):
        roles.setdefault(job_role, set()).add(user_id)
    rules = connection.execute(
        sa.text(
            "SELECT id, organisation_id, path_id, job_role, unit_id FROM assignment_rules "
            "ORDER BY id"
        )
    ).all()
    for rule_id, organisation_id, path_id, job_role, unit_id in rules:
        subtree, todo = set(), [unit_id] if unit_id is not None else []
        while todo:
            current = todo.pop()
            if current not in subtree:
                subtree.add(current)
                todo.extend(children.get(current, []))
        selected = [
            {"rule": rule_id, "user": user_id, "path": path_id}
            for user_id, (organisation, unit) in people.items()
            if organisation == organisation_id
            and (unit_id is None or unit in subtree)
            and (not job_role or user_id in roles.get(job_role, ()))
        ]
        if selected:
            connection.execute(
                sa.text(
                    "UPDATE assignments SET rule_id = :rule WHERE user_id = :user "
                    "AND path_id = :path AND rule_id IS NULL"
                ),
                selected,
            )


def downgrade():
    with op.batch_alter_table("import_batches") as batch:
        batch.drop_column("outcome")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_on")
        batch.drop_column("note")
    with op.batch_alter_table("assignments") as batch:
        batch.drop_constraint(
            batch.f("fk_assignments_rule_id_assignment_rules"), type_="foreignkey"
        )
        batch.drop_index(batch.f("ix_assignments_rule_id"))
        batch.drop_column("rule_id")
