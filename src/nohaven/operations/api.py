"""JSON API of the operations domain, under /api/v1/operations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.config import AppSettings
from nohaven.kit.clock import utcnow
from nohaven.operations import flows, planning, present, referrals, results, service
from nohaven.operations.schemas import (
    ActionDayCreate,
    ActionDayRead,
    ActivityCreate,
    ActivityRead,
    ActivitySummary,
    ActivityUpdate,
    AnswerIn,
    BriefingCreate,
    BriefingRead,
    CheckRead,
    InviteIn,
    OutcomeIn,
    ParticipantUpdate,
    PhaseIn,
    ReferralCreate,
    ReferralRead,
    ResultIn,
    ResultsRead,
    SelectorsIn,
    StatementDraftRead,
)
from nohaven.transactions import writes

router = APIRouter(prefix="/operations", tags=["operations"])
Created = status.HTTP_201_CREATED


@router.get("", response_model=list[ActivitySummary])
def programme(
    session: DbSession,
    actor: ApiActor,
    body_id: Annotated[str | None, Query(max_length=32)] = None,
) -> list[ActivitySummary]:
    """The programmes of your bodies: in full what you may read, the code name alone where
    the lead allows it."""
    return [
        present.line(x.activity, full=x.full)
        for x in service.programme(session, actor=actor, body_id=body_id)
    ]


@router.post("", response_model=ActivityRead, status_code=Created)
def propose(data: ActivityCreate, session: DbSession, actor: ApiActor) -> ActivityRead:
    activity = service.propose(session, actor=actor, data=data)
    return present.detail(session, actor=actor, activity_id=activity.id)


@router.get("/{activity_id}", response_model=ActivityRead)
@writes  # records an audited read
def detail(activity_id: str, session: DbSession, actor: ApiActor) -> ActivityRead:
    return present.detail(session, actor=actor, activity_id=activity_id)


@router.patch("/{activity_id}", response_model=ActivityRead)
def update(
    activity_id: str, data: ActivityUpdate, session: DbSession, actor: ApiActor
) -> ActivityRead:
    service.update(session, actor=actor, activity_id=activity_id, data=data)
    return present.detail(session, actor=actor, activity_id=activity_id)


@router.post("/{activity_id}/phase", response_model=ActivityRead)
def set_phase(activity_id: str, data: PhaseIn, session: DbSession, actor: ApiActor) -> ActivityRead:
    service.set_phase(session, actor=actor, activity_id=activity_id, phase=data.phase)
    return present.detail(session, actor=actor, activity_id=activity_id)


@router.post("/{activity_id}/participants", response_model=ActivityRead, status_code=Created)
def invite(activity_id: str, data: InviteIn, session: DbSession, actor: ApiActor) -> ActivityRead:
    service.invite(
        session, actor=actor, activity_id=activity_id, organisation_id=data.organisation_id
    )
    return present.detail(session, actor=actor, activity_id=activity_id)


@router.post("/{activity_id}/answer", response_model=ActivityRead)
def answer(activity_id: str, data: AnswerIn, session: DbSession, actor: ApiActor) -> ActivityRead:
    service.answer(session, actor=actor, activity_id=activity_id, accept=data.accept)
    return present.detail(session, actor=actor, activity_id=activity_id)


@router.put("/{activity_id}/participants/mine", response_model=ActivityRead)
def update_participant(
    activity_id: str, data: ParticipantUpdate, session: DbSession, actor: ApiActor
) -> ActivityRead:
    service.update_participant(session, actor=actor, activity_id=activity_id, data=data)
    return present.detail(session, actor=actor, activity_id=activity_id)


@router.post("/{activity_id}/action-days", response_model=ActionDayRead, status_code=Created)
def add_action_day(
    activity_id: str, data: ActionDayCreate, session: DbSession, actor: ApiActor
) -> ActionDayRead:
    day = planning.add_action_day(session, actor=actor, activity_id=activity_id, data=data)
    return ActionDayRead(id=day.id, label=day.label, starts_at=day.starts_at, hours=day.hours)


@router.get("/{activity_id}/briefings", response_model=list[BriefingRead])
@writes  # records an audited read
def briefings(activity_id: str, session: DbSession, actor: ApiActor) -> list[BriefingRead]:
    present.detail(session, actor=actor, activity_id=activity_id)
    activity = service.visible(session, actor=actor, activity_id=activity_id)
    return present.briefings(session, actor=actor, activity=activity)


@router.post("/{activity_id}/briefings", response_model=BriefingRead, status_code=Created)
def add_briefing(
    activity_id: str, data: BriefingCreate, session: DbSession, actor: ApiActor
) -> BriefingRead:
    b = planning.add_briefing(session, actor=actor, activity_id=activity_id, data=data)
    return BriefingRead(
        id=b.id,
        title=b.title,
        tlp=b.tlp,
        text=data.text,
        author_organisation_id=b.author_organisation_id,
        created_at=b.created_at,
    )


@router.post("/{activity_id}/referrals/check", response_model=CheckRead)
def check_referral(
    activity_id: str,
    data: SelectorsIn,
    session: DbSession,
    actor: ApiActor,
    settings: AppSettings,
) -> CheckRead:
    """Check selectors blind against the other participants' deconfliction registrations:
    nothing is registered or sent."""
    referrals.may_check(session, actor=actor, activity_id=activity_id)
    found = referrals.check(
        session,
        actor=actor,
        activity_id=activity_id,
        selectors=data.selectors,
        blind_check=referrals.blind_check_for(settings),
    )
    return CheckRead(checked=found.checked, holders=found.holder_names)


@router.get("/{activity_id}/referrals", response_model=list[ReferralRead])
def list_referrals(activity_id: str, session: DbSession, actor: ApiActor) -> list[ReferralRead]:
    activity = service.visible(session, actor=actor, activity_id=activity_id)
    now = utcnow()
    return [
        present.referral(r, now=now)
        for r in referrals.list_referrals(session, actor=actor, activity=activity)
    ]


@router.post("/{activity_id}/referrals", response_model=ReferralRead, status_code=Created)
def send_referral(
    activity_id: str,
    data: ReferralCreate,
    session: DbSession,
    actor: ApiActor,
    settings: AppSettings,
) -> ReferralRead:
    referral = referrals.send(
        session,
        actor=actor,
        activity_id=activity_id,
        data=data,
        limits=settings.operations,
        blind_check=referrals.blind_check_if_configured(settings),
    )
    return present.referral(referral, now=utcnow())


@router.get("/{activity_id}/referrals/{referral_id}", response_model=ReferralRead)
@writes  # records an audited read
def read_referral(
    activity_id: str, referral_id: str, session: DbSession, actor: ApiActor
) -> ReferralRead:
    found = referrals.read(session, actor=actor, activity_id=activity_id, referral_id=referral_id)
    return present.referral(found, now=utcnow(), opened=True)


@router.post("/{activity_id}/referrals/{referral_id}/acknowledge", response_model=ReferralRead)
def acknowledge_referral(
    activity_id: str, referral_id: str, session: DbSession, actor: ApiActor
) -> ReferralRead:
    found = referrals.acknowledge(
        session, actor=actor, activity_id=activity_id, referral_id=referral_id
    )
    return present.referral(found, now=utcnow())


@router.post("/{activity_id}/referrals/{referral_id}/outcome", response_model=ReferralRead)
def conclude_referral(
    activity_id: str, referral_id: str, data: OutcomeIn, session: DbSession, actor: ApiActor
) -> ReferralRead:
    found = referrals.conclude(
        session, actor=actor, activity_id=activity_id, referral_id=referral_id, data=data
    )
    return present.referral(found, now=utcnow())


@router.get("/{activity_id}/results", response_model=ResultsRead)
def get_results(activity_id: str, session: DbSession, actor: ApiActor) -> ResultsRead:
    return results.summary(session, actor=actor, activity_id=activity_id)


@router.put("/{activity_id}/results", response_model=ResultsRead)
def report_results(
    activity_id: str, data: ResultIn, session: DbSession, actor: ApiActor
) -> ResultsRead:
    results.report(session, actor=actor, activity_id=activity_id, data=data)
    return results.summary(session, actor=actor, activity_id=activity_id)


@router.post("/{activity_id}/statement", response_model=StatementDraftRead, status_code=Created)
def draft_statement(activity_id: str, session: DbSession, actor: ApiActor) -> StatementDraftRead:
    """Draft the joint results statement from the totals, into the body's statement workflow."""
    statement = flows.draft_results_statement(session, actor=actor, activity_id=activity_id)
    return StatementDraftRead(
        statement_id=statement.id,
        title=statement.title,
        text=flows.draft_text(session, statement=statement),
    )
