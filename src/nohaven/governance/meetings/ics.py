"""iCalendar (RFC 5545) for meetings, built with the ``icalendar`` library: a stable UID, times
in UTC (the meeting's own time zone goes into the description, so no VTIMEZONE is needed), and
for invitations sent by e-mail the iTIP method (RFC 5546: REQUEST, CANCEL) with a SEQUENCE that
grows with each change, so calendar programs replace the earlier version."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar

from nohaven.governance.meetings.models import AgendaItem, Meeting, MeetingStatus
from nohaven.kit.clock import as_utc, utcnow

PRODID = "-//nohaven//governance//EN"


def local_time(meeting: Meeting) -> datetime:
    """The meeting's start in its own time zone."""
    return as_utc(meeting.starts_at).astimezone(ZoneInfo(meeting.timezone))


def meeting_ics(
    meeting: Meeting,
    *,
    body_name: str,
    agenda: Iterable[AgendaItem] = (),
    host: str = "nohaven",
    url: str | None = None,
    now: datetime | None = None,
    method: str = "PUBLISH",
    sequence: int = 0,
    organizer: str | None = None,
    attendees: Sequence[str] = (),
    with_details: bool = True,
) -> str:
    """The meeting as a calendar. ``with_details=False`` leaves out the agenda and the online
    link, for a copy that travels by e-mail: those stay on the platform, behind sign-in."""
    local = local_time(meeting)
    description = [
        body_name,
        f"Local time: {local.strftime('%Y-%m-%d %H:%M')} ({meeting.timezone})",
    ]
    if with_details:
        if meeting.online_url:
            description.append(f"Online: {meeting.online_url}")
        accepted = [a for a in agenda if a.status == "accepted"]
        if accepted:
            description.append("Agenda:")
            description += [f"{i}. {a.title}" for i, a in enumerate(accepted, 1)]
    else:
        description.append("The agenda, papers and any online link are on nohaven (sign-in).")
    cancelled = meeting.status == MeetingStatus.CANCELLED or method == "CANCEL"
    if with_details:
        location = meeting.location or meeting.online_url or "Online"
    else:
        location = meeting.location or "Online"

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", f"{meeting.id}@{host}")
    event.add("dtstamp", as_utc(now or utcnow()))
    event.add("dtstart", as_utc(meeting.starts_at))
    event.add("dtend", as_utc(meeting.ends_at))
    event.add("sequence", sequence)
    event.add("summary", meeting.title)
    event.add("location", location)
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if url:
        event.add("url", url)
    if organizer:
        event.add("organizer", icalendar.vCalAddress(f"mailto:{organizer}"))
    for address in attendees:
        attendee = icalendar.vCalAddress(f"mailto:{address}")
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
        attendee.params["rsvp"] = icalendar.vText("FALSE")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))
