"""operations: programme, participants, action days, briefings, referrals, results

Revision ID: operations_0001
Revises: governance_0002
Create Date: 2026-11-29 19:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import nohaven.db

revision: str = "operations_0001"
down_revision: str | Sequence[str] | None = "governance_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "operations_activities",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("body_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code_name", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("lead_organisation_id", sa.String(length=32), nullable=False),
        sa.Column("tlp", sa.String(length=20), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("status_note", sa.String(length=300), nullable=False),
        sa.Column("code_name_visible", sa.Boolean(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("participant_organisation_ids", sa.JSON(), nullable=False),
        sa.Column("invited_organisation_ids", sa.JSON(), nullable=False),
        sa.Column("statement_id", sa.String(length=32), nullable=True),
        sa.Column("created_by_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", nohaven.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", nohaven.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_operations_activities_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_operations_activities_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_operations_activities_lead_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_operations_activities_statement_id_statements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operations_activities")),
    )
    with op.batch_alter_table("operations_activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_operations_activities_body_id"), ["body_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_operations_activities_lead_organisation_id"),
            ["lead_organisation_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_operations_activities_phase"), ["phase"], unique=False)

    op.create_table(
        "operations_action_days",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("activity_id", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("starts_at", nohaven.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["operations_activities.id"],
            name=op.f("fk_operations_action_days_activity_id_operations_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operations_action_days")),
    )
    with op.batch_alter_table("operations_action_days", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_operations_action_days_activity_id"), ["activity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_operations_action_days_starts_at"), ["starts_at"], unique=False
        )

    op.create_table(
        "operations_briefings",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("activity_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("tlp", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("author_organisation_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", nohaven.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["operations_activities.id"],
            name=op.f("fk_operations_briefings_activity_id_operations_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_operations_briefings_author_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operations_briefings")),
    )
    with op.batch_alter_table("operations_briefings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_operations_briefings_activity_id"), ["activity_id"], unique=False
        )

    op.create_table(
        "operations_participants",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("activity_id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("invited_at", nohaven.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("responded_at", nohaven.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["operations_activities.id"],
            name=op.f("fk_operations_participants_activity_id_operations_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_operations_participants_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operations_participants")),
        sa.UniqueConstraint(
            "activity_id",
            "organisation_id",
            name=op.f("uq_operations_participants_activity_id_organisation_id"),
        ),
    )
    with op.batch_alter_table("operations_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_operations_participants_activity_id"), ["activity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_operations_participants_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    op.create_table(
        "operations_referrals",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("activity_id", sa.String(length=32), nullable=False),
        sa.Column("sender_organisation_id", sa.String(length=32), nullable=False),
        sa.Column("receiver_organisation_id", sa.String(length=32), nullable=False),
        sa.Column("sent_by_id", sa.String(length=32), nullable=True),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("package", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("deconfliction_matches", sa.Integer(), nullable=True),
        sa.Column("sent_at", nohaven.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledge_by", nohaven.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", nohaven.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("concluded_at", nohaven.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", nohaven.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("purge_after", sa.Date(), nullable=False),
        sa.Column("purged_at", nohaven.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["users.id"],
            name=op.f("fk_operations_referrals_acknowledged_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["operations_activities.id"],
            name=op.f("fk_operations_referrals_activity_id_operations_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["receiver_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_operations_referrals_receiver_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["sender_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_operations_referrals_sender_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name=op.f("fk_operations_referrals_sent_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operations_referrals")),
    )
    with op.batch_alter_table("operations_referrals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_operations_referrals_acknowledge_by"), ["acknowledge_by"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_operations_referrals_activity_id"), ["activity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_operations_referrals_purge_after"), ["purge_after"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_operations_referrals_receiver_organisation_id"),
            ["receiver_organisation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_operations_referrals_sender_organisation_id"),
            ["sender_organisation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_operations_referrals_status"), ["status"], unique=False
        )

    op.create_table(
        "operations_results",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("activity_id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("arrests", sa.Integer(), nullable=False),
        sa.Column("children_safeguarded", sa.Integer(), nullable=False),
        sa.Column("devices_seized", sa.Integer(), nullable=False),
        sa.Column("referrals_sent", sa.Integer(), nullable=False),
        sa.Column("referrals_received", sa.Integer(), nullable=False),
        sa.Column("reported_by_id", sa.String(length=32), nullable=True),
        sa.Column("reported_at", nohaven.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["operations_activities.id"],
            name=op.f("fk_operations_results_activity_id_operations_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_operations_results_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["users.id"],
            name=op.f("fk_operations_results_reported_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operations_results")),
        sa.UniqueConstraint(
            "activity_id",
            "organisation_id",
            "period",
            name=op.f("uq_operations_results_activity_id_organisation_id_period"),
        ),
    )
    with op.batch_alter_table("operations_results", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_operations_results_activity_id"), ["activity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_operations_results_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("operations_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operations_results_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_operations_results_activity_id"))

    op.drop_table("operations_results")
    with op.batch_alter_table("operations_referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operations_referrals_status"))
        batch_op.drop_index(batch_op.f("ix_operations_referrals_sender_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_operations_referrals_receiver_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_operations_referrals_purge_after"))
        batch_op.drop_index(batch_op.f("ix_operations_referrals_activity_id"))
        batch_op.drop_index(batch_op.f("ix_operations_referrals_acknowledge_by"))

    op.drop_table("operations_referrals")
    with op.batch_alter_table("operations_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operations_participants_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_operations_participants_activity_id"))

    op.drop_table("operations_participants")
    with op.batch_alter_table("operations_briefings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operations_briefings_activity_id"))

    op.drop_table("operations_briefings")
    with op.batch_alter_table("operations_action_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operations_action_days_starts_at"))
        batch_op.drop_index(batch_op.f("ix_operations_action_days_activity_id"))

    op.drop_table("operations_action_days")
    with op.batch_alter_table("operations_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operations_activities_phase"))
        batch_op.drop_index(batch_op.f("ix_operations_activities_lead_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_operations_activities_body_id"))

    op.drop_table("operations_activities")
