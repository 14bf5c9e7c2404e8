"""federation: a TAXII source can be paused, and keeps what its last pull did

Revision ID: federation_0003
Revises: federation_0002
Create Date: 2026-11-29 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from nohaven.db import UTCDateTime

revision: str = "federation_0003"
down_revision: str | Sequence[str] | None = "federation_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("taxii_sources") as batch:
        batch.add_column(sa.Column("paused_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("last_outcome", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("taxii_sources") as batch:
        batch.drop_column("last_outcome")
        batch.drop_column("paused_at")
