"""An itinerary leg's personal details, sealed: the departure time, the leaving date, the
carrier and the flight number together point at one person on one aircraft. Only the
destination country and the departure date stay in clear, for routing and for filtering."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from nohaven.keys.sealing import open_value, row_session, seal_value
from nohaven.kit.clock import as_utc
from nohaven.travel.models import ItineraryLeg, TravelNotification

LEGS = "travel_itinerary_legs"


@dataclass(frozen=True)
class LegDetails:
    departs_at: datetime
    leaves_on: date | None
    carrier: str | None
    flight_number: str | None


def seal_leg(session: Session, leg: ItineraryLeg, details: LegDetails) -> None:
    """Store ``details`` on ``leg`` (whose id must be set): the date in clear, the rest sealed."""
    departs = as_utc(details.departs_at)
    leg.departs_on = departs.date()
    leg.itinerary = seal_value(session, LEGS, "itinerary", leg.id, encode(details))


def open_leg(leg: ItineraryLeg) -> LegDetails | None:
    """The leg's details, or None once purged."""
    raw = open_value(row_session(leg), LEGS, "itinerary", leg.id, leg.itinerary)
    return None if raw is None else decode(raw)


def encode(details: LegDetails) -> str:
    return json.dumps(
        {
            "departs_at": as_utc(details.departs_at).isoformat(),
            "leaves_on": details.leaves_on.isoformat() if details.leaves_on else None,
            "carrier": details.carrier,
            "flight_number": details.flight_number,
        },
        sort_keys=True,
    )


def decode(raw: str) -> LegDetails:
    data = json.loads(raw)
    return LegDetails(
        departs_at=datetime.fromisoformat(data["departs_at"]),
        leaves_on=date.fromisoformat(data["leaves_on"]) if data["leaves_on"] else None,
        carrier=data["carrier"],
        flight_number=data["flight_number"],
    )


def first_departure(notification: TravelNotification) -> datetime | None:
    """The earliest departure time of the itinerary (legs must be loaded); None once purged."""
    opened = [open_leg(leg) for leg in notification.legs]
    times = [d.departs_at for d in opened if d is not None]
    return min(times) if times else None
