"""governance: seal the public's contact messages (name, e-mail address, subject, message)

A member of the public's name, address and words are personal data, sealed at rest like every
other: each value bound to ``contact_messages.<field>:<message id>``. Existing rows are sealed
here, so this migration needs the deployment's data key (NOHAVEN_DATA_KEY), as the server does.

Revision ID: governance_0005
Revises: governance_0004
Create Date: 2026-11-29 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from nohaven.config import Settings
from nohaven.keys.ring import data_keyring
from nohaven.kit.crypto import seal, unseal

revision: str = "governance_0005"
down_revision: str | Sequence[str] | None = "governance_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELDS = ("name", "email", "subject", "message")
_MESSAGES = sa.table(
    "contact_messages",
    sa.column("id", sa.String),
    *(sa.column(field, sa.Text) for field in FIELDS),
    *(sa.column(f"{field}_sealed", sa.Text) for field in FIELDS),
)
_PLAIN = {"name": sa.String(200), "email": sa.String(254), "subject": sa.String(200)}


def _context(field: str, row_id: str) -> str:
    return f"contact_messages.{field}:{row_id}"


def upgrade() -> None:
    with op.batch_alter_table("contact_messages") as batch:
        for field in FIELDS:
            batch.add_column(sa.Column(f"{field}_sealed", sa.Text(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.select(_MESSAGES.c.id, *(_MESSAGES.c[f] for f in FIELDS))).all()
    # The migration's edge: its own settings read, as the server's start reads them.
    ring = data_keyring(Settings()) if rows else None
    for row_id, *values in rows:
        assert ring is not None
        bind.execute(
            _MESSAGES.update()
            .where(_MESSAGES.c.id == row_id)
            .values(
                {
                    f"{field}_sealed": seal(ring, value or "", context=_context(field, row_id))
                    for field, value in zip(FIELDS, values, strict=True)
                }
            )
        )
    with op.batch_alter_table("contact_messages") as batch:
        for field in FIELDS:
            batch.alter_column(f"{field}_sealed", existing_type=sa.Text(), nullable=False)
            batch.drop_column(field)


def downgrade() -> None:
    with op.batch_alter_table("contact_messages") as batch:
        for field in FIELDS:
            batch.add_column(sa.Column(field, _PLAIN.get(field, sa.Text()), nullable=True))
    bind = op.get_bind()
    sealed = [_MESSAGES.c[f"{field}_sealed"] for field in FIELDS]
    rows = bind.execute(sa.select(_MESSAGES.c.id, *sealed)).all()
    ring = data_keyring(Settings()) if rows else None
    for row_id, *values in rows:
        assert ring is not None
        bind.execute(
            _MESSAGES.update()
            .where(_MESSAGES.c.id == row_id)
            .values(
                {
                    field: unseal(ring, value, context=_context(field, row_id))
                    for field, value in zip(FIELDS, values, strict=True)
                }
            )
        )
    with op.batch_alter_table("contact_messages") as batch:
        for field in FIELDS:
            batch.alter_column(field, existing_type=_PLAIN.get(field, sa.Text()), nullable=False)
            batch.drop_column(f"{field}_sealed")
