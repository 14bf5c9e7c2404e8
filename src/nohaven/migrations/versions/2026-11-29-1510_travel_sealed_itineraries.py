"""travel: seal itineraries (departure time, leaving date, carrier, flight number)

Only the destination country and the departure date stay in clear (routing and filtering);
the rest of each leg is sealed under the data key, bound to ``travel_itinerary_legs.itinerary:
<leg id>``. Existing rows are sealed here, so this migration needs the deployment's data key
(NOHAVEN_DATA_KEY), as the server does. The notification keeps its first departure's date.

Revision ID: travel_0002
Revises: travel_0001
Create Date: 2026-11-29 15:10:00
"""

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from alembic import op

import nohaven.db
from nohaven.kit.clock import as_utc
from nohaven.kit.crypto import seal, unseal
from nohaven.config import Settings
from nohaven.keys.ring import data_keyring

revision: str = "travel_0002"
down_revision: str | Sequence[str] | None = "travel_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LEGS = sa.table(
    "travel_itinerary_legs",
    sa.column("id", sa.String),
    sa.column("departs_at", nohaven.db.UTCDateTime()),
    sa.column("leaves_on", sa.Date),
    sa.column("carrier", sa.String),
    sa.column("flight_number", sa.String),
    sa.column("departs_on", sa.Date),
    sa.column("itinerary", sa.Text),
)
_NOTIFICATIONS = sa.table(
    "travel_notifications",
    sa.column("id", sa.String),
    sa.column("departs_at", nohaven.db.UTCDateTime()),
    sa.column("departs_on", sa.Date),
)


def _context(leg_id: str) -> str:
    return f"travel_itinerary_legs.itinerary:{leg_id}"


def upgrade() -> None:
    with op.batch_alter_table("travel_itinerary_legs") as batch:
        batch.add_column(sa.Column("departs_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("itinerary", sa.Text(), nullable=True))
    with op.batch_alter_table("travel_notifications") as batch:
        batch.add_column(sa.Column("departs_on", sa.Date(), nullable=True))

    bind = op.get_bind()
    legs = bind.execute(
        sa.select(
            _LEGS.c.id, _LEGS.c.departs_at, _LEGS.c.leaves_on, _LEGS.c.carrier, _LEGS.c.flight_number
        )
    ).all()
    # The migration's edge: its own settings read, as the server's start reads them.
    ring = data_keyring(Settings()) if legs else None
    for leg_id, departs_at, leaves_on, carrier, flight_number in legs:
        departs = as_utc(departs_at)
        details = json.dumps(
            {
                "departs_at": departs.isoformat(),
                "leaves_on": leaves_on.isoformat() if leaves_on else None,
                "carrier": carrier,
                "flight_number": flight_number,
            },
            sort_keys=True,
        )
        assert ring is not None
        bind.execute(
            _LEGS.update()
            .where(_LEGS.c.id == leg_id)
            .values(departs_on=departs.date(), itinerary=seal(ring, details, context=_context(leg_id)))
        )
    for notification_id, departs_at in bind.execute(
        sa.select(_NOTIFICATIONS.c.id, _NOTIFICATIONS.c.departs_at)
    ).all():
        bind.execute(
            _NOTIFICATIONS.update()
            .where(_NOTIFICATIONS.c.id == notification_id)
            .values(departs_on=as_utc(departs_at).date())
        )

    with op.batch_alter_table("travel_itinerary_legs") as batch:
        batch.alter_column("departs_on", existing_type=sa.Date(), nullable=False)
        batch.drop_column("departs_at")
        batch.drop_column("leaves_on")
        batch.drop_column("carrier")
        batch.drop_column("flight_number")
        batch.create_index(
            batch.f("ix_travel_itinerary_legs_destination_country"), ["destination_country"]
        )
        batch.create_index(batch.f("ix_travel_itinerary_legs_departs_on"), ["departs_on"])
    with op.batch_alter_table("travel_notifications") as batch:
        batch.drop_index(batch.f("ix_travel_notifications_departs_at"))
        batch.alter_column("departs_on", existing_type=sa.Date(), nullable=False)
        batch.drop_column("departs_at")
        batch.create_index(batch.f("ix_travel_notifications_departs_on"), ["departs_on"])


def downgrade() -> None:
    with op.batch_alter_table("travel_itinerary_legs") as batch:
        batch.add_column(sa.Column("departs_at", nohaven.db.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("leaves_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("carrier", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("flight_number", sa.String(length=20), nullable=True))
    with op.batch_alter_table("travel_notifications") as batch:
        batch.add_column(sa.Column("departs_at", nohaven.db.UTCDateTime(), nullable=True))

    bind = op.get_bind()
    legs = bind.execute(sa.select(_LEGS.c.id, _LEGS.c.departs_on, _LEGS.c.itinerary)).all()
    # The migration's edge: its own settings read, as the server's start reads them.
    ring = data_keyring(Settings()) if legs else None
    firsts: dict[str, datetime] = {}
    for leg_id, departs_on, itinerary in legs:
        assert ring is not None
        data = json.loads(unseal(ring, itinerary, context=_context(leg_id))) if itinerary else {}
        departs = (
            datetime.fromisoformat(data["departs_at"])
            if data
            else datetime.combine(departs_on, time.min, tzinfo=UTC)
        )
        bind.execute(
            _LEGS.update()
            .where(_LEGS.c.id == leg_id)
            .values(
                departs_at=departs,
                leaves_on=date.fromisoformat(data["leaves_on"]) if data.get("leaves_on") else None,
                carrier=data.get("carrier"),
                flight_number=data.get("flight_number"),
            )
        )
        firsts[leg_id] = departs
    owner = sa.table(
        "travel_itinerary_legs", sa.column("id", sa.String), sa.column("notification_id", sa.String)
    )
    earliest: dict[str, datetime] = {}
    for leg_id, notification_id in bind.execute(sa.select(owner.c.id, owner.c.notification_id)):
        when = firsts[leg_id]
        if notification_id not in earliest or when < earliest[notification_id]:
            earliest[notification_id] = when
    for notification_id, when in earliest.items():
        bind.execute(
            _NOTIFICATIONS.update()
            .where(_NOTIFICATIONS.c.id == notification_id)
            .values(departs_at=when)
        )

    with op.batch_alter_table("travel_notifications") as batch:
        batch.drop_index(batch.f("ix_travel_notifications_departs_on"))
        batch.alter_column("departs_at", existing_type=nohaven.db.UTCDateTime(), nullable=False)
        batch.drop_column("departs_on")
        batch.create_index(batch.f("ix_travel_notifications_departs_at"), ["departs_at"])
    with op.batch_alter_table("travel_itinerary_legs") as batch:
        batch.drop_index(batch.f("ix_travel_itinerary_legs_departs_on"))
        batch.drop_index(batch.f("ix_travel_itinerary_legs_destination_country"))
        batch.alter_column("departs_at", existing_type=nohaven.db.UTCDateTime(), nullable=False)
        batch.drop_column("itinerary")
        batch.drop_column("departs_on")
