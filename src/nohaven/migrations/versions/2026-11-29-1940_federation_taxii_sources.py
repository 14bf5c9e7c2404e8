"""federation: TAXII 2.1 collections elsewhere as the sources of lists

Revision ID: federation_0002
Revises: federation_0001
Create Date: 2026-11-29 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from nohaven.db import UTCDateTime

revision: str = "federation_0002"
down_revision: str | Sequence[str] | None = "federation_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "taxii_sources",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column(
            "list_id",
            sa.String(32),
            sa.ForeignKey("hash_lists.id", name="fk_taxii_sources_list_id_hash_lists"),
            nullable=False,
        ),
        sa.Column("collection_url", sa.String(500), nullable=False),
        sa.Column("username", sa.String(200), nullable=True),
        sa.Column("password_sealed", sa.Text(), nullable=True),
        sa.Column("added_after", sa.String(40), nullable=True),
        sa.Column(
            "created_by_id",
            sa.String(32),
            sa.ForeignKey("users.id", name="fk_taxii_sources_created_by_id_users"),
            nullable=True,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_pull_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_taxii_sources"),
    )
    op.create_index("ix_taxii_sources_list_id", "taxii_sources", ["list_id"])


def downgrade() -> None:
    op.drop_index("ix_taxii_sources_list_id", "taxii_sources")
    op.drop_table("taxii_sources")
