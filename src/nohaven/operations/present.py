"""Shaping what a reader sees: the activity in full (its reading audited, since it opens
the participants' sealed points of contact and the briefings), a programme line, a referral."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can
from nohaven.operations import planning, referrals, service
from nohaven.operations import repository as repo
from nohaven.operations.models import Activity, Referral
from nohaven.operations.rules import is_participant
from nohaven.operations.schemas import (
    ActionDayRead,
    ActivityRead,
    ActivitySummary,
    BriefingRead,
    ParticipantRead,
    ReferralRead,
)


def detail(session: Session, *, actor: Actor, activity_id: str) -> ActivityRead:
    """The activity as its reader sees it; opening it is audited."""
    activity = service.visible(session, actor=actor, activity_id=activity_id)
    # Points of contact are for those who take part; an invitee sees them once it joins.
    taking_part = is_participant(actor, activity)
    audit.record(
        session,
        actor=actor,
        action="operation.read",
        resource_type="operation",
        resource_id=activity.id,
        organisation_id=activity.lead_organisation_id,
    )
    return ActivityRead(
        id=activity.id,
        body_id=activity.body_id,
        kind=activity.kind,
        code_name=activity.code_name,
        title=activity.title,
        summary=activity.summary,
        tlp=activity.tlp,
        phase=activity.phase,
        starts_on=activity.starts_on,
        ends_on=activity.ends_on,
        status_note=activity.status_note,
        code_name_visible=activity.code_name_visible,
        published=activity.published,
        lead_organisation_id=activity.lead_organisation_id,
        participants=[
            ParticipantRead(
                organisation_id=org.id,
                organisation_name=org.name,
                country=org.country,
                status=p.status,
                time_zone=p.time_zone,
                contact=service.contact_of(p) if taking_part else None,
            )
            for p, org in repo.participants(session, activity.id)
            if can(actor, Action.READ, p)
        ],
        action_days=[
            ActionDayRead(id=d.id, label=d.label, starts_at=d.starts_at, hours=d.hours)
            for d in planning.action_days(session, actor=actor, activity=activity)
        ],
        statement_id=activity.statement_id,
    )


def briefings(session: Session, *, actor: Actor, activity: Activity) -> list[BriefingRead]:
    """Opened for a participant: call only within an audited read (`detail`)."""
    return [
        BriefingRead(
            id=b.id,
            title=b.title,
            tlp=b.tlp,
            text=planning.text_of(b),
            author_organisation_id=b.author_organisation_id,
            created_at=b.created_at,
        )
        for b in planning.briefings(session, actor=actor, activity=activity)
    ]


def line(activity: Activity, *, full: bool) -> ActivitySummary:
    if not full:
        return ActivitySummary(id=None, body_id=activity.body_id, code_name=activity.code_name)
    return ActivitySummary(
        id=activity.id,
        body_id=activity.body_id,
        code_name=activity.code_name,
        kind=activity.kind,
        title=activity.title,
        phase=activity.phase,
        starts_on=activity.starts_on,
        ends_on=activity.ends_on,
        lead_organisation_id=activity.lead_organisation_id,
    )


def referral(referral: Referral, *, now: datetime, opened: bool = False) -> ReferralRead:
    """A referral; ``opened`` adds its package and note (only after `referrals.read`)."""
    return ReferralRead(
        id=referral.id,
        activity_id=referral.activity_id,
        sender_organisation_id=referral.sender_organisation_id,
        receiver_organisation_id=referral.receiver_organisation_id,
        subject_kind=referral.subject_kind,
        status=referral.status,
        overdue=referrals.is_overdue(referral, now),
        deconfliction_matches=referral.deconfliction_matches,
        sent_at=referral.sent_at,
        acknowledge_by=referral.acknowledge_by,
        acknowledged_at=referral.acknowledged_at,
        outcome=referral.outcome,
        concluded_at=referral.concluded_at,
        escalated_at=referral.escalated_at,
        package=referrals.package_of(referral) if opened else None,
        outcome_note=referrals.outcome_note_of(referral) if opened else None,
    )
