"""federation: peers and subscriptions

Revision ID: federation_0001
Revises: hashes_0001
Create Date: 2026-11-29 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from nohaven.db import UTCDateTime

revision: str = "federation_0001"
down_revision: str | Sequence[str] | None = "hashes_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "federation_peers",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("node_id", sa.String(64), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("url", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("organisation_id", sa.String(32), sa.ForeignKey("organisations.id", name="fk_federation_peers_organisation_id_organisations"), nullable=True),
        sa.Column("node_user_id", sa.String(32), sa.ForeignKey("users.id", name="fk_federation_peers_node_user_id_users"), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("last_contact_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_federation_peers"),
        sa.UniqueConstraint("node_id", name="uq_federation_peers_node_id"),
    )
    op.create_table(
        "federation_subscriptions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("peer_id", sa.String(32), sa.ForeignKey("federation_peers.id", name="fk_federation_subscriptions_peer_id_federation_peers"), nullable=False),
        sa.Column("remote_list_id", sa.String(32), nullable=False),
        sa.Column("organisation_id", sa.String(32), sa.ForeignKey("organisations.id", name="fk_federation_subscriptions_organisation_id_organisations"), nullable=False),
        sa.Column("local_list_id", sa.String(32), sa.ForeignKey("hash_lists.id", name="fk_federation_subscriptions_local_list_id_hash_lists"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("checkpoint", sa.Integer(), nullable=False),
        sa.Column("remote_head", sa.Integer(), nullable=False),
        sa.Column("share_sightings", sa.Boolean(), nullable=False),
        sa.Column("reported_through", UTCDateTime(), nullable=True),
        sa.Column("created_by_id", sa.String(32), sa.ForeignKey("users.id", name="fk_federation_subscriptions_created_by_id_users"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_sync_at", UTCDateTime(), nullable=True),
        sa.Column("last_success_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("recalled_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_federation_subscriptions"),
        sa.UniqueConstraint("peer_id", "remote_list_id", name="uq_federation_subscriptions_peer_id_remote_list_id"),
    )
    op.create_index(
        "ix_federation_subscriptions_peer_id", "federation_subscriptions", ["peer_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_federation_subscriptions_peer_id", "federation_subscriptions")
    op.drop_table("federation_subscriptions")
    op.drop_table("federation_peers")
