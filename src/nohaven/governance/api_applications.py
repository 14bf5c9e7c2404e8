"""JSON API for membership applications and handing over the chair."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.governance import applications as service
from nohaven.governance.bodies import body_by_ref
from nohaven.governance.schemas import MotionRead
from nohaven.kit.schemas import Day, Moment
from nohaven.members.models import MembershipRole

router = APIRouter(tags=["governance"])


class ApplicationCreate(BaseModel):
    body: str
    letter: str = Field(default="", max_length=20000)


class ApplicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    body_id: str
    organisation_id: str
    letter: str
    status: str
    reasons: str
    decided_at: datetime | None


class VoteOpen(BaseModel):
    closes_at: Moment | None = None


class Refusal(BaseModel):
    reasons: str = Field(min_length=1, max_length=5000)


class HandOver(BaseModel):
    to_organisation_id: str
    role: MembershipRole = MembershipRole.CHAIR
    on: Day | None = None


class TermRead(BaseModel):
    organisation_id: str
    role: str
    start_date: Day
    end_date: Day | None


@router.get("/applications", response_model=list[ApplicationRead])
def list_applications(session: DbSession, actor: ApiActor) -> list[ApplicationRead]:
    return [
        ApplicationRead.model_validate(a) for a in service.list_applications(session, actor=actor)
    ]


@router.post("/applications", response_model=ApplicationRead, status_code=status.HTTP_201_CREATED)
def apply(data: ApplicationCreate, session: DbSession, actor: ApiActor) -> ApplicationRead:
    found = body_by_ref(session, data.body)
    return ApplicationRead.model_validate(
        service.apply(session, actor=actor, body_id=found.id, letter=data.letter)
    )


@router.get("/applications/{application_id}", response_model=ApplicationRead)
def get_application(application_id: str, session: DbSession, actor: ApiActor) -> ApplicationRead:
    return ApplicationRead.model_validate(
        service.get_application(session, actor=actor, application_id=application_id)
    )


@router.post("/applications/{application_id}/vote", response_model=MotionRead)
def put_to_vote(
    application_id: str, data: VoteOpen, session: DbSession, actor: ApiActor
) -> MotionRead:
    return MotionRead.model_validate(
        service.put_to_vote(
            session, actor=actor, application_id=application_id, closes_at=data.closes_at
        )
    )


@router.post("/applications/{application_id}/refuse", response_model=ApplicationRead)
def refuse(
    application_id: str, data: Refusal, session: DbSession, actor: ApiActor
) -> ApplicationRead:
    return ApplicationRead.model_validate(
        service.refuse(session, actor=actor, application_id=application_id, reasons=data.reasons)
    )


@router.post("/governance/bodies/{body}/officers", response_model=TermRead)
def hand_over(body: str, data: HandOver, session: DbSession, actor: ApiActor) -> TermRead:
    found = body_by_ref(session, body)
    seat = service.hand_over(
        session,
        actor=actor,
        body_id=found.id,
        to_organisation_id=data.to_organisation_id,
        on=data.on,
        role=data.role,
    )
    return TermRead(
        organisation_id=seat.organisation_id,
        role=seat.role,
        start_date=seat.start_date,
        end_date=seat.end_date,
    )


@router.get("/governance/bodies/{body}/officers", response_model=list[TermRead])
def office_history(body: str, session: DbSession, actor: ApiActor) -> list[TermRead]:
    found = body_by_ref(session, body)
    from nohaven.auth.policy import Action, require
    from nohaven.members.models import Membership

    require(actor, Action.LIST, Membership)
    return [
        TermRead(
            organisation_id=m.organisation_id,
            role=m.role,
            start_date=m.start_date,
            end_date=m.end_date,
        )
        for m in service.office_history(session, body_id=found.id)
    ]
