"""Planning an operation: its action days (set by the lead, shown to each participant in its
own time zone) and its briefing documents (text with a TLP marking; never a file)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, require
from nohaven.errors import Conflict
from nohaven.keys.sealing import open_value, row_session, seal_value
from nohaven.kit.clock import as_utc
from nohaven.operations import repository as repo
from nohaven.operations import service
from nohaven.operations.models import ActionDay, Activity, Briefing, Phase
from nohaven.operations.schemas import ActionDayCreate, BriefingCreate

BRIEFINGS = "operations_briefings"


def add_action_day(
    session: Session, *, actor: Actor, activity_id: str, data: ActionDayCreate
) -> ActionDay:
    activity = service.visible(session, actor=actor, activity_id=activity_id)
    if activity.phase == Phase.CLOSED:
        raise Conflict("A closed operation has no new action days.")
    day = ActionDay(
        activity_id=activity.id,
        label=data.label,
        starts_at=as_utc(data.starts_at),
        hours=data.hours,
    )
    day.activity = activity
    require(actor, Action.CREATE, day)
    session.add(day)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="operation.action_day.create",
        resource_type="operation",
        resource_id=activity.id,
        organisation_id=activity.lead_organisation_id,
        summary={"action_day_id": day.id, "hours": day.hours},
    )
    service.tell(
        session,
        actor=actor,
        organisation_ids=activity.participant_organisation_ids,
        activity=activity,
        kind="action_day",
        title=f"action day set for {day.starts_at:%Y-%m-%d %H:%M} UTC",
    )
    return day


def action_days(session: Session, *, actor: Actor, activity: Activity) -> list[ActionDay]:
    return [d for d in repo.action_days(session, activity.id) if can(actor, Action.READ, d)]


def local_time(moment: datetime, time_zone: str) -> datetime:
    """The moment on a participant's clock."""
    return as_utc(moment).astimezone(ZoneInfo(time_zone))


def add_briefing(
    session: Session, *, actor: Actor, activity_id: str, data: BriefingCreate
) -> Briefing:
    activity = service.visible(session, actor=actor, activity_id=activity_id)
    briefing = Briefing(
        activity_id=activity.id,
        title=data.title,
        tlp=data.tlp,
        author_organisation_id=actor.organisation_id or "",
    )
    briefing.activity = activity
    require(actor, Action.CREATE, briefing)
    session.add(briefing)
    session.flush()
    briefing.text = seal_value(session, BRIEFINGS, "text", briefing.id, data.text)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="operation.briefing.create",
        resource_type="operation",
        resource_id=activity.id,
        organisation_id=activity.lead_organisation_id,
        summary={"briefing_id": briefing.id, "tlp": briefing.tlp},
    )
    service.tell(
        session,
        actor=actor,
        organisation_ids=activity.participant_organisation_ids,
        activity=activity,
        kind="briefing",
        title="a new briefing was shared",
    )
    return briefing


def briefings(session: Session, *, actor: Actor, activity: Activity) -> list[Briefing]:
    return [b for b in repo.briefings(session, activity.id) if can(actor, Action.READ, b)]


def text_of(briefing: Briefing) -> str | None:
    return open_value(row_session(briefing), BRIEFINGS, "text", briefing.id, briefing.text)
