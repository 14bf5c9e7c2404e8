"""JSON API of motions and votes (mounted under /api/v1)."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy.orm import Session

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.governance import flows
from nohaven.governance.bodies.service import body_by_ref
from nohaven.governance.motions import service
from nohaven.governance.motions.models import Motion
from nohaven.governance.motions.schemas import MotionCreate, MotionRead, VoteCast, VoteRead

router = APIRouter(tags=["governance"])


def motion_read(session: Session, motion: Motion) -> MotionRead:
    subject = flows.subject_of(session, motion)
    return MotionRead.model_validate(motion).model_copy(
        update={"statement_id": subject.statement_id, "application_id": subject.application_id}
    )


@router.get("/motions", response_model=list[MotionRead])
def list_motions(session: DbSession, actor: ApiActor, body: str | None = None) -> list[MotionRead]:
    body_id = body_by_ref(session, body).id if body else None
    return [
        motion_read(session, m) for m in service.list_motions(session, actor=actor, body_id=body_id)
    ]


@router.post("/motions", response_model=MotionRead, status_code=status.HTTP_201_CREATED)
def create_motion(data: MotionCreate, session: DbSession, actor: ApiActor) -> MotionRead:
    found = body_by_ref(session, data.body)
    motion = flows.table_motion(
        session,
        actor=actor,
        body_id=found.id,
        title=data.title,
        text=data.text,
        options=data.options,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        secret=data.secret,
        statement_id=data.statement_id,
    )
    return motion_read(session, motion)


@router.get("/motions/{motion_id}", response_model=MotionRead)
def get_motion(motion_id: str, session: DbSession, actor: ApiActor) -> MotionRead:
    return motion_read(session, service.get_motion(session, actor=actor, motion_id=motion_id))


@router.post("/motions/{motion_id}/votes", response_model=VoteRead)
def vote(motion_id: str, data: VoteCast, session: DbSession, actor: ApiActor) -> VoteRead:
    cast = service.cast_vote(
        session, actor=actor, motion_id=motion_id, option=data.option, receipt=data.receipt
    )
    return VoteRead(motion_id=motion_id, changed=cast.changed, receipt=cast.receipt)


@router.post("/motions/{motion_id}/close", response_model=MotionRead)
def close(motion_id: str, session: DbSession, actor: ApiActor) -> MotionRead:
    return motion_read(session, flows.close_motion(session, actor=actor, motion_id=motion_id))
