"""iCalendar (RFC 5545) for meetings, written by hand: CRLF line ends, TEXT escaping, lines
folded at 75 octets without splitting a UTF-8 character, a stable UID, DTSTAMP, and times in
UTC (the meeting's own time zone goes into the description, so no VTIMEZONE is needed)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from nohaven.governance.meetings.models import AgendaItem, Meeting, MeetingStatus
from nohaven.kit.clock import as_utc, utcnow

PRODID = "-//nohaven//governance//EN"


def escape_text(value: str) -> str:
    """TEXT values: backslash, semicolon, comma and newlines escaped (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, continued with CRLF + space."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current = " "
            size = 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def utc_stamp(moment: datetime) -> str:
    return as_utc(moment).strftime("%Y%m%dT%H%M%SZ")


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
) -> str:
    local = local_time(meeting)
    lines_of_description = [
        f"{body_name}",
        f"Local time: {local.strftime('%Y-%m-%d %H:%M')} ({meeting.timezone})",
    ]
    if meeting.online_url:
        lines_of_description.append(f"Online: {meeting.online_url}")
    accepted = [a for a in agenda if a.status == "accepted"]
    if accepted:
        lines_of_description.append("Agenda:")
        lines_of_description += [f"{i}. {a.title}" for i, a in enumerate(accepted, 1)]
    location = meeting.location or meeting.online_url or "Online"
    props = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{meeting.id}@{host}",
        f"DTSTAMP:{utc_stamp(now or utcnow())}",
        f"DTSTART:{utc_stamp(meeting.starts_at)}",
        f"DTEND:{utc_stamp(meeting.ends_at)}",
        f"SUMMARY:{escape_text(meeting.title)}",
        f"LOCATION:{escape_text(location)}",
        f"DESCRIPTION:{escape_text(chr(10).join(lines_of_description))}",
        f"STATUS:{'CANCELLED' if meeting.status == MeetingStatus.CANCELLED else 'CONFIRMED'}",
    ]
    if url:
        props.append(f"URL:{url}")
    props += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(p) + "\r\n" for p in props)
