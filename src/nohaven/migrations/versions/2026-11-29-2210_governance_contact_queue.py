"""governance: contact messages as a queue (handled or not, by whom; replied when)

Revision ID: governance_0003
Revises: governance_0002
Create Date: 2026-11-29 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from nohaven.db import UTCDateTime

revision: str = "governance_0003"
down_revision: str | Sequence[str] | None = "governance_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contact_messages") as batch:
        batch.add_column(sa.Column("handled_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("handled_by_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("replied_at", UTCDateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            "fk_contact_messages_handled_by_id_users", "users", ["handled_by_id"], ["id"]
        )
        batch.create_index("ix_contact_messages_handled_at", ["handled_at"])


def downgrade() -> None:
    with op.batch_alter_table("contact_messages") as batch:
        batch.drop_index("ix_contact_messages_handled_at")
        batch.drop_constraint("fk_contact_messages_handled_by_id_users", type_="foreignkey")
        batch.drop_column("replied_at")
        batch.drop_column("handled_by_id")
        batch.drop_column("handled_at")
