"""JSON API of membership applications (mounted under /api/v1)."""

from __future__ import annotations

from fastapi import APIRouter, status

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.governance.applications import service
from nohaven.governance.applications.schemas import (
    ApplicationCreate,
    ApplicationRead,
    Refusal,
    VoteOpen,
)
from nohaven.governance.bodies.service import body_by_ref
from nohaven.governance.motions.api import motion_read
from nohaven.governance.motions.schemas import MotionRead

router = APIRouter(tags=["governance"])


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
    motion = service.put_to_vote(
        session, actor=actor, application_id=application_id, closes_at=data.closes_at
    )
    return motion_read(session, motion)


@router.post("/applications/{application_id}/refuse", response_model=ApplicationRead)
def refuse(
    application_id: str, data: Refusal, session: DbSession, actor: ApiActor
) -> ApplicationRead:
    return ApplicationRead.model_validate(
        service.refuse(session, actor=actor, application_id=application_id, reasons=data.reasons)
    )
