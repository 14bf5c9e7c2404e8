"""auth: organisations' OpenID providers

Revision ID: oidc_0001
Revises: webhooks_0001
Create Date: 2026-11-29 20:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from nohaven.db import UTCDateTime

revision: str = "oidc_0001"
down_revision: str | Sequence[str] | None = "webhooks_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oidc_providers",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("organisation_id", sa.String(32), sa.ForeignKey("organisations.id", name="fk_oidc_providers_organisation_id_organisations"), nullable=False),
        sa.Column("issuer", sa.String(300), nullable=False),
        sa.Column("client_id", sa.String(200), nullable=False),
        sa.Column("client_secret_sealed", sa.Text(), nullable=False),
        sa.Column("allowed_domains", sa.JSON(), nullable=False),
        sa.Column("role_claim", sa.String(100), nullable=False),
        sa.Column("role_map", sa.JSON(), nullable=False),
        sa.Column("trusted_amr", sa.JSON(), nullable=False),
        sa.Column("trusted_acr", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_oidc_providers"),
        sa.UniqueConstraint("organisation_id", name="uq_oidc_providers_organisation_id"),
    )


def downgrade() -> None:
    op.drop_table("oidc_providers")
