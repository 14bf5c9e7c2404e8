"""keys: progress of data key rotations

Revision ID: keys_0001
Revises: 0002_notifications
Create Date: 2026-11-29 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import nohaven.db

revision: str = "keys_0001"
down_revision: str | Sequence[str] | None = "0002_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "key_rotations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("target_key_id", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("table_position", sa.Integer(), nullable=False),
        sa.Column("after_id", sa.String(length=64), nullable=True),
        sa.Column("passes", sa.Integer(), nullable=False),
        sa.Column(
            "rewrapped", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("started_at", nohaven.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", nohaven.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", nohaven.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_rotations")),
    )
    with op.batch_alter_table("key_rotations") as batch:
        batch.create_index(batch.f("ix_key_rotations_target_key_id"), ["target_key_id"])
        batch.create_index(batch.f("ix_key_rotations_status"), ["status"])


def downgrade() -> None:
    op.drop_table("key_rotations")
