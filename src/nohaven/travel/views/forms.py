"""What the travel pages' forms carry: the itinerary rows, the sending and amending
forms, and the country choices.

No JavaScript is needed: the sending form has a fixed number of itinerary rows.
"""

from __future__ import annotations

from typing import Any

import pycountry
from pydantic import BaseModel, ConfigDict

from nohaven.kit.clock import as_utc
from nohaven.kit.i18n import country_name
from nohaven.travel.schemas import NotificationRead

LEG_ROWS = 4
FIELD = 4000


def country_choices() -> list[tuple[str, str]]:
    """Every country, named in the reader's language (pycountry's own translations)."""
    return sorted(
        ((str(c.alpha_2), country_name(str(c.alpha_2))) for c in pycountry.countries),
        key=lambda pair: pair[1].casefold(),
    )


class LegRows(BaseModel):
    """A fixed number of itinerary rows; a row without a destination is ignored."""

    model_config = ConfigDict(extra="ignore")

    leg1_country: str = ""
    leg1_date: str = ""
    leg1_time: str = ""
    leg1_leaves: str = ""
    leg1_carrier: str = ""
    leg1_flight: str = ""
    leg2_country: str = ""
    leg2_date: str = ""
    leg2_time: str = ""
    leg2_leaves: str = ""
    leg2_carrier: str = ""
    leg2_flight: str = ""
    leg3_country: str = ""
    leg3_date: str = ""
    leg3_time: str = ""
    leg3_leaves: str = ""
    leg3_carrier: str = ""
    leg3_flight: str = ""
    leg4_country: str = ""
    leg4_date: str = ""
    leg4_time: str = ""
    leg4_leaves: str = ""
    leg4_carrier: str = ""
    leg4_flight: str = ""

    def row(self, i: int) -> dict[str, str]:
        return {
            key: str(getattr(self, f"leg{i}_{key}")).strip()[:FIELD]
            for key in ("country", "date", "time", "leaves", "carrier", "flight")
        }

    def legs(self, *, keep_empty_country: bool = False) -> list[dict[str, Any]]:
        out = []
        for i in range(1, LEG_ROWS + 1):
            row = self.row(i)
            if not row["country"] and not keep_empty_country:
                continue
            if keep_empty_country and not (row["date"] or row["country"]):
                continue
            departs: str | None = None
            if row["date"]:
                departs = f"{row['date']}T{row['time'][:5] or '00:00'}:00+00:00"
            out.append(
                {
                    "destination_country": row["country"],
                    "departs_at": departs,
                    "leaves_on": row["leaves"] or None,
                    "carrier": row["carrier"] or None,
                    "flight_number": row["flight"] or None,
                }
            )
        return out


class SendForm(LegRows):
    name: str = ""
    date_of_birth: str = ""
    nationality: str = ""
    passport_number: str = ""
    conviction_summary: str = ""
    risk_tier: str = ""


class AmendForm(SendForm):
    reason: str = ""


def amend_values(shown: NotificationRead) -> dict[str, str]:
    values: dict[str, str] = {
        "conviction_summary": shown.conviction_summary or "",
        "risk_tier": shown.risk_tier,
    }
    if shown.subject:
        values |= {
            "name": shown.subject.name,
            "date_of_birth": shown.subject.date_of_birth.isoformat(),
            "nationality": shown.subject.nationality,
            "passport_number": shown.subject.passport_number,
        }
    for leg in shown.legs:
        if leg.departs_at is None:  # purged
            continue
        departs = as_utc(leg.departs_at)
        values |= {
            f"leg{leg.position}_country": leg.destination_country,
            f"leg{leg.position}_date": departs.date().isoformat(),
            f"leg{leg.position}_time": departs.strftime("%H:%M"),
            f"leg{leg.position}_leaves": leg.leaves_on.isoformat() if leg.leaves_on else "",
            f"leg{leg.position}_carrier": leg.carrier or "",
            f"leg{leg.position}_flight": leg.flight_number or "",
        }
    return values
