"""Meetings: cadence, scheduling, agenda, attendance, minutes, decisions and action items."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, get_visible_or_404, hidden, require
from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.governance.meetings import invitations
from nohaven.governance.meetings import repository as repo
from nohaven.governance.meetings.models import (
    AgendaItem,
    AgendaStatus,
    Initiative,
    Meeting,
    MeetingStatus,
)
from nohaven.governance.rules import is_officer, represents
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.members.models import VOTING_ROLES, Body, Organisation

# --- cadence --------------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def proposed_dates(
    session: Session, *, body: Body, count: int = 2, today: date | None = None
) -> list[date]:
    """The next ``count`` meeting dates the body's cadence suggests: evenly spaced from its last
    held or scheduled meeting (or from today), never in the past, on a weekday."""
    per_year = max(body.meetings_per_year, 1)
    step = max(12 // per_year, 1)
    today = today or utcnow().date()
    last = repo.last_start(session, body.id)
    anchor = last.date() if last is not None else today
    out: list[date] = []
    candidate = anchor
    while len(out) < count:
        candidate = _add_months(candidate, step)
        if candidate <= today:
            continue
        # Meetings fall on working days: move a weekend date to the Monday after.
        shifted = candidate + timedelta(
            days=(7 - candidate.weekday()) % 7 if candidate.weekday() >= 5 else 0
        )
        out.append(shifted)
    return out


def cadence(session: Session, *, actor: Actor, body: Body, count: int = 2) -> list[date]:
    """The dates the cadence proposes, for those who read the body's meetings."""
    require(actor, Action.READ, Meeting(body_id=body.id))
    return proposed_dates(session, body=body, count=max(1, min(count, 6)))


# --- scheduling -----------------------------------------------------------------------------


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(
            f"{name!r} is not a time zone.",
            errors=[{"field": "timezone", "message": "an IANA time zone such as Europe/Brussels"}],
        ) from exc


def schedule_meeting(
    session: Session,
    *,
    actor: Actor,
    body_id: str,
    title: str,
    starts_at: datetime,
    duration_minutes: int = 120,
    timezone: str = "UTC",
    location: str = "",
    online_url: str = "",
) -> Meeting:
    """``starts_at`` is local time in ``timezone`` when naive."""
    body = session.get(Body, body_id)
    if body is None:
        raise NotFound(N_("No such body."))
    tz = zone(timezone)
    local = starts_at.replace(tzinfo=tz) if starts_at.tzinfo is None else starts_at
    start = local.astimezone(ZoneInfo("UTC"))
    meeting = Meeting(
        body_id=body.id,
        title=title.strip(),
        starts_at=start,
        ends_at=start + timedelta(minutes=duration_minutes),
        timezone=timezone,
        location=location.strip(),
        online_url=online_url.strip(),
    )
    require(actor, Action.CREATE, meeting)
    if not meeting.title:
        raise InvalidInput(
            "A meeting needs a title.", errors=[{"field": "title", "message": "required"}]
        )
    if not meeting.location and not meeting.online_url:
        raise InvalidInput(
            "Give a place or an online link.",
            errors=[{"field": "location", "message": "a place or an online link"}],
        )
    if meeting.online_url and not meeting.online_url.startswith("https://"):
        raise InvalidInput(
            "Online links must start with https://.",
            errors=[{"field": "online_url", "message": "https:// link"}],
        )
    if start <= utcnow():
        raise InvalidInput(
            "A meeting is scheduled in the future.",
            errors=[{"field": "starts_at", "message": "in the future"}],
        )
    session.add(meeting)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="meeting.schedule",
        resource_type="meeting",
        resource_id=meeting.id,
        summary={"body_id": body.id, "starts_at": start.isoformat(), "timezone": timezone},
    )
    invitations.tell_delegates(session, actor=actor, meeting=meeting, body=body, change="scheduled")
    return meeting


def cancel_meeting(session: Session, *, actor: Actor, meeting_id: str) -> Meeting:
    meeting = get_meeting(session, actor=actor, meeting_id=meeting_id)
    require(actor, Action.UPDATE, meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(N_("Only a scheduled meeting can be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="meeting.cancel",
        resource_type="meeting",
        resource_id=meeting.id,
    )
    body = session.get(Body, meeting.body_id)
    if body is not None:
        invitations.tell_delegates(
            session, actor=actor, meeting=meeting, body=body, change="cancelled"
        )
    return meeting


def reschedule_meeting(
    session: Session,
    *,
    actor: Actor,
    meeting_id: str,
    starts_at: datetime,
    duration_minutes: int | None = None,
    location: str | None = None,
) -> Meeting:
    """Move a scheduled meeting (``starts_at`` local in its zone when naive) or change its
    place; the delegates' calendars get the update."""
    meeting = get_meeting(session, actor=actor, meeting_id=meeting_id)
    require(actor, Action.UPDATE, meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(N_("Only a scheduled meeting can be moved."))
    tz = zone(meeting.timezone)
    local = starts_at.replace(tzinfo=tz) if starts_at.tzinfo is None else starts_at
    start = local.astimezone(ZoneInfo("UTC"))
    if start <= utcnow():
        raise InvalidInput(
            "A meeting is scheduled in the future.",
            errors=[{"field": "starts_at", "message": "in the future"}],
        )
    length = meeting.ends_at - meeting.starts_at
    if duration_minutes is not None:
        length = timedelta(minutes=duration_minutes)
    meeting.starts_at, meeting.ends_at = start, start + length
    if location is not None:
        meeting.location = location.strip()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="meeting.reschedule",
        resource_type="meeting",
        resource_id=meeting.id,
        summary={"starts_at": start.isoformat()},
    )
    body = session.get(Body, meeting.body_id)
    if body is not None:
        invitations.tell_delegates(
            session, actor=actor, meeting=meeting, body=body, change="changed"
        )
    return meeting


def get_meeting(session: Session, *, actor: Actor, meeting_id: str) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(N_("No such meeting."))
    require(actor, Action.READ, meeting)
    return meeting


def may_read(session: Session, *, actor: Actor, meeting_id: str) -> bool:
    meeting = session.get(Meeting, meeting_id)
    return meeting is not None and can(actor, Action.READ, meeting)


def initiative_body_ids(session: Session, organisation_id: str | None) -> set[str]:
    if organisation_id is None:
        return set()
    return repo.initiative_body_ids(session, organisation_id)


def list_meetings(session: Session, *, actor: Actor, body_id: str | None = None) -> list[Meeting]:
    require(actor, Action.LIST, Meeting)
    return [m for m in repo.meetings(session, body_id=body_id) if can(actor, Action.READ, m)]


def meetings_open_to_proposals(session: Session, *, actor: Actor) -> list[Meeting]:
    """Upcoming meetings the actor's organisation may propose agenda items for."""
    upcoming = repo.scheduled_after(session, utcnow())
    return [m for m in upcoming if capacity(session, actor, m) is not None]


# --- agenda ---------------------------------------------------------------------------------


def capacity(session: Session, actor: Actor, meeting: Meeting) -> str | None:
    """In which capacity the actor's organisation may put an item on this meeting's agenda."""
    if actor.is_secretariat or is_officer(actor, meeting.body_id):
        return "secretariat" if actor.is_secretariat else "officer"
    if not represents(actor) or actor.organisation_id is None:
        return None
    role = actor.body_roles.get(meeting.body_id)
    if role in VOTING_ROLES:
        return "member"
    if repo.reference_groups(session, meeting.body_id) & set(actor.body_roles):
        return "reference_group"
    if meeting.body_id in initiative_body_ids(session, actor.organisation_id):
        return "initiative"
    return None  # affiliates, observers and outsiders do not set the agenda


def propose_agenda_item(
    session: Session, *, actor: Actor, meeting_id: str, title: str, description: str = ""
) -> AgendaItem:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise hidden("meeting")
    role = capacity(session, actor, meeting)
    if role is None and not can(actor, Action.READ, meeting):
        # Reference groups and initiatives propose to a body they do not sit in; anyone else
        # who cannot see the meeting is told it does not exist.
        raise hidden(meeting)
    item = AgendaItem(
        meeting=meeting,
        meeting_id=meeting.id,
        title=title.strip(),
        description=description.strip(),
        proposer_id=actor.organisation_id,
        proposer_capacity="",
    )
    require(actor, Action.PROPOSE, item)
    if role is None:
        raise Forbidden(
            "Agenda items come from members, the body's reference groups and registered "
            "initiatives."
        )
    if actor.organisation_id is None:
        raise Forbidden(N_("Agenda items are proposed on behalf of an organisation."))
    if meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at <= utcnow():
        raise Conflict(N_("The agenda of this meeting is closed."))
    if not item.title:
        raise InvalidInput(
            "An agenda item needs a title.", errors=[{"field": "title", "message": "required"}]
        )
    item.proposer_capacity = role
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="agenda.propose",
        resource_type="agenda_item",
        resource_id=item.id,
        organisation_id=actor.organisation_id,
        summary={"meeting_id": meeting.id, "capacity": role},
    )
    return item


def decide_agenda_item(
    session: Session, *, actor: Actor, item_id: str, status: str, position: int | None = None
) -> AgendaItem:
    item = get_visible_or_404(session, actor, AgendaItem, item_id)
    meeting = item.meeting
    require(actor, Action.MANAGE, meeting)
    if status not in {AgendaStatus.ACCEPTED, AgendaStatus.DECLINED}:
        raise InvalidInput(
            "Accept or decline.", errors=[{"field": "status", "message": "accepted or declined"}]
        )
    if status == AgendaStatus.ACCEPTED:
        if position is None:
            position = repo.last_position(session, meeting.id) + 1
        item.position = position
    else:
        item.position = None
    item.status = status
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"agenda.{'accept' if status == AgendaStatus.ACCEPTED else 'decline'}",
        resource_type="agenda_item",
        resource_id=item.id,
        organisation_id=item.proposer_id,
        summary={"meeting_id": meeting.id, "position": item.position},
    )
    return item


def agenda(session: Session, *, meeting: Meeting) -> list[AgendaItem]:
    """All items of a meeting: accepted ones in their order first, then proposals, then
    declined ones."""
    items = repo.agenda_items(session, meeting.id)
    rank = {AgendaStatus.ACCEPTED: 0, AgendaStatus.PROPOSED: 1, AgendaStatus.DECLINED: 2}
    return sorted(
        items,
        key=lambda i: (rank.get(AgendaStatus(i.status), 3), i.position or 0, i.created_at),
    )


# --- initiatives ----------------------------------------------------------------------------


def register_initiative(
    session: Session, *, actor: Actor, body_id: str, organisation_id: str, since: date | None = None
) -> Initiative:
    initiative = Initiative(
        body_id=body_id, organisation_id=organisation_id, since=since or utcnow().date()
    )
    require(actor, Action.CREATE, initiative)
    if session.get(Body, body_id) is None or session.get(Organisation, organisation_id) is None:
        raise InvalidInput(N_("Unknown body or organisation."))
    if repo.initiative(session, body_id=body_id, organisation_id=organisation_id):
        raise Conflict(N_("That initiative is already registered with this body."))
    session.add(initiative)
    session.flush()
    session.refresh(initiative, ["organisation"])
    audit.record(
        session,
        actor=actor,
        action="initiative.register",
        resource_type="initiative",
        resource_id=initiative.id,
        organisation_id=organisation_id,
        summary={"body_id": body_id},
    )
    return initiative


def initiatives(session: Session, *, actor: Actor, body_id: str) -> list[Initiative]:
    require(actor, Action.READ, Meeting(body_id=body_id))
    return repo.initiatives(session, body_id)
