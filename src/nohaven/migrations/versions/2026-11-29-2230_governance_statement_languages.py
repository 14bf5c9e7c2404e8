"""governance: a statement's language, and its text in other languages

``statements.language`` names the language a statement is drafted and adopted in (English for
the statements already there). ``statement_languages`` holds its text in each other language,
marked official when the body adopted that text as authentic too, else a translation.

Revision ID: governance_0004
Revises: governance_0003
Create Date: 2026-11-29 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import nohaven.db

revision: str = "governance_0004"
down_revision: str | Sequence[str] | None = "governance_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("statements") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=16), server_default="en", nullable=False)
        )
    op.create_table(
        "statement_languages",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.Column("body_id", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("official", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", nohaven.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", nohaven.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["organisations.id"],
            name=op.f("fk_statement_languages_author_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_statement_languages_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_languages_statement_id_statements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_languages")),
        sa.UniqueConstraint(
            "statement_id", "language", name=op.f("uq_statement_languages_statement_id_language")
        ),
    )
    with op.batch_alter_table("statement_languages") as batch:
        batch.create_index(
            batch.f("ix_statement_languages_statement_id"), ["statement_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("statement_languages") as batch:
        batch.drop_index(batch.f("ix_statement_languages_statement_id"))
    op.drop_table("statement_languages")
    with op.batch_alter_table("statements") as batch:
        batch.drop_column("language")
