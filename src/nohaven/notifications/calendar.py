"""Calendar invitations sent with notices: the iTIP method, and the SEQUENCE that tells a
calendar program which version of an event is the latest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.kit.clock import utcnow
from nohaven.notifications.models import CalendarEntry


@dataclass(frozen=True)
class Invitation:
    """What ``notify`` attaches for each addressee: ``build(address)`` returns the iCalendar
    text of the event for that person. One change of an event is one ``Invitation``, however
    many organisations it is sent to (so one SEQUENCE, from `next_sequence`)."""

    method: str  # REQUEST (new or changed) or CANCEL
    build: Callable[[str], str]


def next_sequence(session: Session, key: str) -> int:
    """0 the first time an event is sent; one more at each later change."""
    entry = session.scalar(select(CalendarEntry).where(CalendarEntry.key == key))
    if entry is None:
        session.add(CalendarEntry(key=key, sequence=0, updated_at=utcnow()))
        session.flush()
        return 0
    entry.sequence += 1
    entry.updated_at = utcnow()
    session.flush()
    return entry.sequence
