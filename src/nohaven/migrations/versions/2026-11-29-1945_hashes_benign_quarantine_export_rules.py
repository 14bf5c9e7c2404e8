"""hashes: benign lists, flood quarantine, export rules per destination country

Revision ID: hashes_extras_0001
Revises: hashes_0001
Create Date: 2026-11-29 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from nohaven.db import UTCDateTime

revision: str = "hashes_extras_0001"
down_revision: str | Sequence[str] | None = "hashes_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("hash_lists") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(16), nullable=False, server_default="known")
        )
    op.create_table(
        "hash_entry_quarantines",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column(
            "entry_id",
            sa.String(32),
            sa.ForeignKey("hash_entries.id", name="fk_hash_entry_quarantines_entry_id_hash_entries"),
            nullable=False,
        ),
        sa.Column(
            "list_id",
            sa.String(32),
            sa.ForeignKey("hash_lists.id", name="fk_hash_entry_quarantines_list_id_hash_lists"),
            nullable=False,
        ),
        sa.Column("recent_matches", sa.Integer(), nullable=False),
        sa.Column("usual_matches", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column(
            "reviewed_by_id",
            sa.String(32),
            sa.ForeignKey("users.id", name="fk_hash_entry_quarantines_reviewed_by_id_users"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name="pk_hash_entry_quarantines"),
    )
    op.create_index(
        "ix_hash_entry_quarantines_entry_open",
        "hash_entry_quarantines",
        ["entry_id", "released_at"],
    )
    op.create_index("ix_hash_entry_quarantines_list_id", "hash_entry_quarantines", ["list_id"])
    op.create_table(
        "hash_export_rules",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("classification_scheme", sa.String(16), nullable=False),
        sa.Column("classification", sa.String(16), nullable=False),
        sa.Column(
            "created_by_id",
            sa.String(32),
            sa.ForeignKey("users.id", name="fk_hash_export_rules_created_by_id_users"),
            nullable=True,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hash_export_rules"),
        sa.UniqueConstraint(
            "country",
            "classification_scheme",
            "classification",
            name="uq_hash_export_rules_country_category",
        ),
    )
    op.create_index("ix_hash_export_rules_country", "hash_export_rules", ["country"])


def downgrade() -> None:
    op.drop_table("hash_export_rules")
    op.drop_table("hash_entry_quarantines")
    with op.batch_alter_table("hash_lists") as batch:
        batch.drop_column("kind")
