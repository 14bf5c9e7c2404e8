"""governance: statements and applications point to their motion; standing orders

The motion engine no longer knows who uses its result: ``motions.statement_id`` and
``motions.application_id`` move to ``statements.motion_id`` and
``membership_applications.motion_id`` (the latest motion of each, where there were several).
A body's rules of decision and admission are its standing orders: ``governance_settings``
becomes ``standing_orders``.

Revision ID: governance_0002
Revises: governance_0001
Create Date: 2026-11-29 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "governance_0002"
down_revision: str | Sequence[str] | None = "governance_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, the column that pointed from motions to it)
SUBJECTS = (("statements", "statement_id"), ("membership_applications", "application_id"))


def upgrade() -> None:
    for table, _ in SUBJECTS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("motion_id", sa.String(length=32), nullable=True))
            batch.create_foreign_key(
                op.f(f"fk_{table}_motion_id_motions"), "motions", ["motion_id"], ["id"]
            )
    for table, column in SUBJECTS:
        op.execute(
            f"UPDATE {table} SET motion_id = ("  # noqa: S608 - names from the constant above
            f"SELECT m.id FROM motions m WHERE m.{column} = {table}.id "
            "ORDER BY m.created_at DESC, m.id DESC LIMIT 1)"
        )
    with op.batch_alter_table("motions") as batch:
        batch.drop_constraint("fk_motions_statement_id_statements", type_="foreignkey")
        batch.drop_constraint(
            "fk_motions_application_id_membership_applications", type_="foreignkey"
        )
        batch.drop_column("statement_id")
        batch.drop_column("application_id")
    op.rename_table("governance_settings", "standing_orders")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE standing_orders RENAME CONSTRAINT pk_governance_settings "
            "TO pk_standing_orders"
        )
        op.execute(
            "ALTER TABLE standing_orders RENAME CONSTRAINT fk_governance_settings_body_id_bodies "
            "TO fk_standing_orders_body_id_bodies"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE standing_orders RENAME CONSTRAINT pk_standing_orders "
            "TO pk_governance_settings"
        )
        op.execute(
            "ALTER TABLE standing_orders RENAME CONSTRAINT fk_standing_orders_body_id_bodies "
            "TO fk_governance_settings_body_id_bodies"
        )
    op.rename_table("standing_orders", "governance_settings")
    with op.batch_alter_table("motions") as batch:
        batch.add_column(sa.Column("statement_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("application_id", sa.String(length=32), nullable=True))
        batch.create_foreign_key(
            "fk_motions_statement_id_statements", "statements", ["statement_id"], ["id"]
        )
        batch.create_foreign_key(
            "fk_motions_application_id_membership_applications",
            "membership_applications",
            ["application_id"],
            ["id"],
        )
    for table, column in SUBJECTS:
        op.execute(
            f"UPDATE motions SET {column} = ("  # noqa: S608 - names from the constant above
            f"SELECT t.id FROM {table} t WHERE t.motion_id = motions.id LIMIT 1)"
        )
    for table, _ in SUBJECTS:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"fk_{table}_motion_id_motions"), type_="foreignkey")
            batch.drop_column("motion_id")
