"""Rules of the programme: proposing an activity, the lead running it (details, phases,
invitations), invited agencies answering, each participant's point of contact and time zone.
Action days and briefings are in `planning`, referrals in `referrals`, results in `results`.

Audit summaries and notices carry ids, phases, kinds and counts, never what a participant
wrote about a person."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, hidden, require
from nohaven.errors import Conflict, InvalidInput
from nohaven.keys.sealing import open_value, row_session, seal_value
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import is_id
from nohaven.members import service as members
from nohaven.members.models import Body, Organisation, OrganisationKind
from nohaven.notifications import service as notifications
from nohaven.operations import repository as repo
from nohaven.operations.models import (
    Activity,
    ActivityKind,
    Participant,
    ParticipantStatus,
    Phase,
)
from nohaven.operations.schemas import ActivityCreate, ActivityUpdate, ParticipantUpdate

PARTICIPANTS = "operations_participants"


def link(activity_id: str) -> str:
    return f"/operations/{activity_id}"


def tell(
    session: Session,
    *,
    actor: Actor,
    organisation_ids: Iterable[str],
    activity: Activity,
    kind: str,
    title: str,
    body: str = "",
) -> None:
    """A notice to each named organisation (never to the actor's own): the code name and what
    happened, nothing a participant wrote."""
    for org_id in sorted(set(organisation_ids) - {actor.organisation_id or ""}):
        notifications.notify(
            session,
            actor=actor,
            organisation_id=org_id,
            kind=f"operations.{kind}",
            title=f"{activity.code_name}: {title}",
            body=body,
            link=link(activity.id),
        )


def _record(
    session: Session, *, actor: Actor, action: str, activity: Activity, **summary: object
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"operation.{action}",
        resource_type="operation",
        resource_id=activity.id,
        organisation_id=activity.lead_organisation_id,
        summary=dict(summary),
    )


# --- proposing and reading --------------------------------------------------------------------


def propose(
    session: Session, *, actor: Actor, data: ActivityCreate, activity_id: str | None = None
) -> Activity:
    """A member agency proposes an activity of its body and leads it. ``activity_id`` fixes
    the id (demo data)."""
    if session.get(Body, data.body_id) is None:
        raise InvalidInput(
            "No such body.", errors=[{"field": "body_id", "message": "unknown body"}]
        )
    lead = actor.organisation_id or ""
    activity = Activity(
        body_id=data.body_id,
        kind=data.kind,
        code_name=data.code_name,
        title=data.title,
        summary=data.summary,
        tlp=data.tlp,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        code_name_visible=data.code_name_visible,
        lead_organisation_id=lead,
        participant_organisation_ids=[lead],
        invited_organisation_ids=[],
        phase=Phase.PROPOSED,
        created_by_id=actor.user_id,
    )
    if activity_id is not None:
        activity.id = activity_id
    require(actor, Action.CREATE, activity)
    session.add(activity)
    session.flush()
    session.add(
        Participant(
            activity_id=activity.id,
            organisation_id=lead,
            status=ParticipantStatus.ACCEPTED,
            responded_at=utcnow(),
        )
    )
    session.flush()
    _record(
        session,
        actor=actor,
        action="propose",
        activity=activity,
        body_id=activity.body_id,
        kind=activity.kind,
        tlp=activity.tlp,
    )
    return activity


def may_propose_in(actor: Actor, *, body_id: str) -> bool:
    """Whether the actor's agency may propose anything (an operation, a campaign, a product)
    in the body, as its lead."""
    return any(
        can(
            actor,
            Action.CREATE,
            Activity(body_id=body_id, kind=kind, lead_organisation_id=actor.organisation_id),
        )
        for kind in ActivityKind
    )


def visible(
    session: Session, *, actor: Actor, activity_id: str, action: Action = Action.READ
) -> Activity:
    """The activity if the actor may ``action`` it; otherwise "No such operation", the same
    whether it is missing or hidden."""
    found = repo.activity(session, activity_id) if is_id(activity_id) else None
    if found is None or not can(actor, Action.READ, found):
        raise hidden("operation")
    require(actor, action, found)
    return found


def locked(session: Session, *, actor: Actor, activity_id: str, action: Action) -> Activity:
    """As `visible`, under a row lock: for changes that rewrite its participant lists."""
    visible(session, actor=actor, activity_id=activity_id)
    found = repo.activity(session, activity_id, lock=True)
    if found is None:  # pragma: no cover - deleted between the two reads
        raise hidden("operation")
    require(actor, action, found)
    return found


@dataclass(frozen=True)
class ProgrammeLine:
    """One line of a programme: in full (``activity``) or by its code name alone."""

    activity: Activity
    full: bool


def programme(session: Session, *, actor: Actor, body_id: str | None = None) -> list[ProgrammeLine]:
    """The programmes of the actor's bodies: each activity in full to those who may read it,
    by code name to the rest of the body when the lead allows it, and otherwise not at all."""
    require(actor, Action.LIST, Activity)
    bodies = [b for b in actor.body_roles if body_id is None or b == body_id]
    lines = []
    for activity in repo.activities_of_bodies(session, bodies):
        if can(actor, Action.READ, activity):
            lines.append(ProgrammeLine(activity, True))
        elif can(actor, Action.LIST, activity):
            lines.append(ProgrammeLine(activity, False))
    return lines


def published(session: Session, *, body_id: str) -> list[Activity]:
    """What a body chose to publish: open to anyone, as published statements are."""
    return repo.published_activities(session, body_id)


# --- the lead ---------------------------------------------------------------------------------


def update(session: Session, *, actor: Actor, activity_id: str, data: ActivityUpdate) -> Activity:
    activity = visible(session, actor=actor, activity_id=activity_id, action=Action.UPDATE)
    changes = data.model_dump(exclude_unset=True)
    starts = changes.get("starts_on", activity.starts_on)
    ends = changes.get("ends_on", activity.ends_on)
    if starts and ends and ends < starts:
        raise InvalidInput(
            "The end comes before the start.",
            errors=[{"field": "ends_on", "message": "before the start"}],
        )
    for field, value in changes.items():
        setattr(activity, field, value)
    activity.updated_at = utcnow()
    session.flush()
    _record(session, actor=actor, action="update", activity=activity, fields=sorted(changes))
    return activity


def set_phase(session: Session, *, actor: Actor, activity_id: str, phase: Phase) -> Activity:
    activity = visible(session, actor=actor, activity_id=activity_id, action=Action.UPDATE)
    if activity.phase == phase:
        raise Conflict(f"It is already in the {phase.value.replace('_', '-')} phase.")
    before = activity.phase
    activity.phase = phase
    activity.updated_at = utcnow()
    session.flush()
    _record(session, actor=actor, action="phase", activity=activity, before=before, after=phase)
    tell(
        session,
        actor=actor,
        organisation_ids=activity.participant_organisation_ids,
        activity=activity,
        kind="phase",
        title=f"now in the {phase.value.replace('_', '-')} phase",
    )
    return activity


def invite(
    session: Session, *, actor: Actor, activity_id: str, organisation_id: str
) -> Participant:
    """Invite a member agency of the body to take part."""
    activity = locked(session, actor=actor, activity_id=activity_id, action=Action.MANAGE)
    if activity.phase == Phase.CLOSED:
        raise Conflict("A closed operation takes no new participants.")
    org = session.get(Organisation, organisation_id) if is_id(organisation_id) else None
    seated = org is not None and any(
        m.body_id == activity.body_id
        for m in members.seats_of_organisation(session, organisation_id=org.id, on=utcnow().date())
    )
    if org is None or not seated:
        raise InvalidInput(
            "Invite an organisation with a seat in the body.",
            errors=[{"field": "organisation_id", "message": "not a member of the body"}],
        )
    if activity.is_operation and org.kind != OrganisationKind.LAW_ENFORCEMENT:
        raise InvalidInput(
            "Only law-enforcement agencies take part in an operation.",
            errors=[{"field": "organisation_id", "message": "not a law-enforcement agency"}],
        )
    existing = repo.participant(session, activity.id, org.id)
    if existing is not None and existing.status != ParticipantStatus.DECLINED:
        raise Conflict(f"{org.name} is already {existing.status}.")
    participant = existing or Participant(activity_id=activity.id, organisation_id=org.id)
    participant.activity = activity
    require(actor, Action.CREATE, participant)
    participant.status = ParticipantStatus.INVITED
    participant.invited_at = utcnow()
    participant.responded_at = None
    session.add(participant)
    activity.invited_organisation_ids = sorted({*activity.invited_organisation_ids, org.id})
    session.flush()
    _record(session, actor=actor, action="invite", activity=activity, organisation_id=org.id)
    tell(
        session,
        actor=actor,
        organisation_ids=[org.id],
        activity=activity,
        kind="invitation",
        title="your agency is invited to take part",
        body="Open it to accept or decline.",
    )
    return participant


def answer(session: Session, *, actor: Actor, activity_id: str, accept: bool) -> Participant:
    """The invited agency accepts or declines."""
    activity = locked(session, actor=actor, activity_id=activity_id, action=Action.READ)
    org = actor.organisation_id or ""
    participant = repo.participant(session, activity.id, org)
    if participant is None or participant.status != ParticipantStatus.INVITED:
        raise Conflict("Your agency has no open invitation to this operation.")
    require(actor, Action.RESPOND, participant)
    participant.status = ParticipantStatus.ACCEPTED if accept else ParticipantStatus.DECLINED
    participant.responded_at = utcnow()
    activity.invited_organisation_ids = [o for o in activity.invited_organisation_ids if o != org]
    if accept:
        activity.participant_organisation_ids = sorted(
            {*activity.participant_organisation_ids, org}
        )
    session.flush()
    _record(session, actor=actor, action="answer", activity=activity, accepted=accept)
    tell(
        session,
        actor=actor,
        organisation_ids=activity.participant_organisation_ids,
        activity=activity,
        kind="answer",
        title="an agency joined" if accept else "an agency declined",
    )
    return participant


def update_participant(
    session: Session, *, actor: Actor, activity_id: str, data: ParticipantUpdate
) -> Participant:
    """An agency's own point of contact (sealed) and the time zone it sees action days in."""
    activity = visible(session, actor=actor, activity_id=activity_id)
    participant = repo.participant(session, activity.id, actor.organisation_id or "")
    if participant is None:
        raise hidden("operation_participant")
    require(actor, Action.UPDATE, participant)
    participant.time_zone = data.time_zone
    participant.contact = seal_value(
        session, PARTICIPANTS, "contact", participant.id, data.contact or None
    )
    session.flush()
    _record(
        session,
        actor=actor,
        action="participant.update",
        activity=activity,
        organisation_id=participant.organisation_id,
    )
    return participant


def invitable(session: Session, *, activity: Activity) -> list[Organisation]:
    """The body's members the lead may still invite (law-enforcement agencies, for an
    operation), by name."""
    taken = {
        p.organisation_id
        for p, _org in repo.participants(session, activity.id)
        if p.status != ParticipantStatus.DECLINED
    }
    found = {
        m.organisation.id: m.organisation
        for m in members.seats_of_body(session, body_id=activity.body_id, on=utcnow().date())
        if m.organisation_id not in taken
        and (not activity.is_operation or m.organisation.kind == OrganisationKind.LAW_ENFORCEMENT)
    }
    return sorted(found.values(), key=lambda o: o.name)


def contact_of(participant: Participant) -> str | None:
    return open_value(
        row_session(participant), PARTICIPANTS, "contact", participant.id, participant.contact
    )
