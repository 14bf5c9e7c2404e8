"""What happens at a meeting: attendance, minutes (drafted, circulated, approved), decisions,
and action items that carry over to the next meeting until they are done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, require
from nohaven.errors import Conflict, InvalidInput, NotFound
from nohaven.governance.bodies import service as bodies
from nohaven.governance.meetings import repository as repo
from nohaven.governance.meetings.models import (
    ActionItem,
    ActionStatus,
    Attendance,
    Decision,
    Meeting,
    MeetingStatus,
    MinutesStatus,
)
from nohaven.governance.meetings.service import get_meeting
from nohaven.governance.motions.models import Motion
from nohaven.governance.rules import represents
from nohaven.kit.clock import utcnow
from nohaven.members.models import Organisation
from nohaven.notifications import service as notifications

# --- the meeting itself ---------------------------------------------------------------------


def record_attendance(
    session: Session, *, actor: Actor, meeting_id: str, organisation_ids: list[str]
) -> list[Attendance]:
    meeting = get_meeting(session, actor=actor, meeting_id=meeting_id)
    require(actor, Action.UPDATE, meeting)
    seated = {
        m.organisation_id
        for m in bodies.seats(session, meeting.body_id, on=meeting.starts_at.date())
    }
    unknown = set(organisation_ids) - seated
    if unknown:
        raise InvalidInput(
            "Only organisations with a seat in the body attend.",
            errors=[{"field": "organisation_ids", "message": f"{len(unknown)} without a seat"}],
        )
    for row in repo.attendance(session, meeting.id):
        session.delete(row)
    session.flush()
    rows = [
        Attendance(meeting_id=meeting.id, organisation_id=o) for o in sorted(set(organisation_ids))
    ]
    session.add_all(rows)
    if meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at <= utcnow():
        meeting.status = MeetingStatus.HELD
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="meeting.attendance",
        resource_type="meeting",
        resource_id=meeting.id,
        summary={"present": len(rows)},
    )
    return rows


def attendance(session: Session, *, meeting: Meeting) -> list[Attendance]:
    return repo.attendance(session, meeting.id)


_MINUTES_NEXT = {
    MinutesStatus.NONE: {MinutesStatus.DRAFTED},
    MinutesStatus.DRAFTED: {MinutesStatus.DRAFTED, MinutesStatus.CIRCULATED},
    MinutesStatus.CIRCULATED: {
        MinutesStatus.DRAFTED,
        MinutesStatus.CIRCULATED,
        MinutesStatus.APPROVED,
    },
    MinutesStatus.APPROVED: set(),
}


def update_minutes(
    session: Session, *, actor: Actor, meeting_id: str, status: str, text: str | None = None
) -> Meeting:
    """Draft, circulate, approve. Approved minutes are final."""
    meeting = get_meeting(session, actor=actor, meeting_id=meeting_id)
    require(actor, Action.UPDATE, meeting)
    try:
        wanted = MinutesStatus(status)
    except ValueError as exc:
        raise InvalidInput(
            "Unknown minutes status.",
            errors=[{"field": "status", "message": "drafted, circulated or approved"}],
        ) from exc
    current = MinutesStatus(meeting.minutes_status)
    if wanted not in _MINUTES_NEXT[current]:
        raise Conflict(f"Minutes that are {current.value} cannot become {wanted.value}.")
    if text is not None:
        if (
            current == MinutesStatus.CIRCULATED
            and wanted != MinutesStatus.DRAFTED
            and text != meeting.minutes
        ):
            raise Conflict("Circulated minutes change only by going back to a draft.")
        meeting.minutes = text
    if wanted != MinutesStatus.DRAFTED and not meeting.minutes.strip():
        raise InvalidInput(
            "Write the minutes first.", errors=[{"field": "text", "message": "required"}]
        )
    meeting.minutes_status = wanted
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"minutes.{wanted.value}",
        resource_type="meeting",
        resource_id=meeting.id,
        summary={"length": len(meeting.minutes)},
    )
    if wanted == MinutesStatus.CIRCULATED:
        for m in bodies.seats(session, meeting.body_id, on=utcnow().date()):
            notifications.notify(
                session,
                actor=actor,
                organisation_id=m.organisation_id,
                kind="governance.minutes",
                title=f"Draft minutes circulated: {meeting.title}",
                link=f"/meetings/{meeting.id}",
            )
    return meeting


def add_decision(
    session: Session, *, actor: Actor, meeting_id: str, text: str, motion_id: str | None = None
) -> Decision:
    meeting = get_meeting(session, actor=actor, meeting_id=meeting_id)
    require(actor, Action.UPDATE, meeting)
    if not text.strip():
        raise InvalidInput(
            "A decision needs its text.", errors=[{"field": "text", "message": "required"}]
        )
    if motion_id:
        # Only a motion of this meeting's body, and one the actor can see: anything else is
        # refused alike, so the answer does not tell whether another body's motion exists.
        motion = session.get(Motion, motion_id)
        if (
            motion is None
            or motion.body_id != meeting.body_id
            or not can(actor, Action.READ, motion)
        ):
            raise InvalidInput(
                "No such motion in this body.",
                errors=[{"field": "motion_id", "message": "not a motion of this body"}],
            )
    decision = Decision(meeting_id=meeting.id, text=text.strip(), motion_id=motion_id or None)
    session.add(decision)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="meeting.decision",
        resource_type="meeting",
        resource_id=meeting.id,
        summary={"decision_id": decision.id},
    )
    return decision


def decisions(session: Session, *, meeting: Meeting) -> list[Decision]:
    return repo.decisions(session, meeting.id)


def add_action_item(
    session: Session,
    *,
    actor: Actor,
    meeting_id: str,
    text: str,
    owner_id: str,
    due_date: date,
) -> ActionItem:
    meeting = get_meeting(session, actor=actor, meeting_id=meeting_id)
    require(actor, Action.UPDATE, meeting)
    if session.get(Organisation, owner_id) is None:
        raise InvalidInput(
            "No such organisation.", errors=[{"field": "owner_id", "message": "unknown"}]
        )
    if not text.strip():
        raise InvalidInput(
            "An action needs its text.", errors=[{"field": "text", "message": "required"}]
        )
    item = ActionItem(
        body_id=meeting.body_id,
        meeting_id=meeting.id,
        text=text.strip(),
        owner_id=owner_id,
        due_date=due_date,
    )
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="action_item.create",
        resource_type="action_item",
        resource_id=item.id,
        organisation_id=owner_id,
        summary={"meeting_id": meeting.id, "due_date": due_date.isoformat()},
    )
    return item


def set_action_status(session: Session, *, actor: Actor, item_id: str, status: str) -> ActionItem:
    """The owner organisation's representative or a body officer updates an action."""
    item = session.get(ActionItem, item_id)
    if item is None:
        raise NotFound("No such action item.")
    try:
        meeting = get_meeting(session, actor=actor, meeting_id=item.meeting_id)
    except NotFound as exc:
        raise NotFound("No such action item.") from exc  # an item of a hidden meeting is hidden
    owner = represents(actor) and actor.organisation_id == item.owner_id
    if not owner:
        require(actor, Action.UPDATE, meeting)
    try:
        wanted = ActionStatus(status)
    except ValueError as exc:
        raise InvalidInput(
            "Unknown status.", errors=[{"field": "status", "message": "open, done or dropped"}]
        ) from exc
    item.status = wanted
    item.closed_at = None if wanted == ActionStatus.OPEN else utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="action_item.status",
        resource_type="action_item",
        resource_id=item.id,
        organisation_id=item.owner_id,
        summary={"status": wanted.value},
    )
    return item


@dataclass(frozen=True)
class ActionItems:
    raised: list[ActionItem]  # raised at this meeting
    carried_over: list[ActionItem]  # raised earlier, still open when this meeting starts


def action_items(session: Session, *, meeting: Meeting) -> ActionItems:
    rows = repo.action_items_until(session, body_id=meeting.body_id, starts_at=meeting.starts_at)
    raised = [r for r in rows if r.meeting_id == meeting.id]
    carried = [
        r
        for r in rows
        if r.meeting_id != meeting.id
        and (
            r.status == ActionStatus.OPEN
            or (r.closed_at is not None and r.closed_at >= meeting.starts_at)
        )
    ]
    return ActionItems(raised=raised, carried_over=carried)
