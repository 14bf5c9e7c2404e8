"""JSON API of the governance domain (mounted under /api/v1)."""

from __future__ import annotations

from fastapi import APIRouter, status

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.auth.policy import Action, require
from nohaven.governance import body_rules, voting
from nohaven.governance.bodies import body_by_ref
from nohaven.governance.schemas import (
    MotionCreate,
    MotionRead,
    SettingsRead,
    SettingsUpdate,
    VoteCast,
    VoteRead,
)

router = APIRouter(tags=["governance"])


@router.get("/governance/bodies/{body}/settings", response_model=SettingsRead)
def get_settings(body: str, session: DbSession, actor: ApiActor) -> SettingsRead:
    found = body_by_ref(session, body)
    rules = body_rules.settings_of(session, found.id)
    require(actor, Action.READ, rules)
    return SettingsRead.model_validate(rules)


@router.put("/governance/bodies/{body}/settings", response_model=SettingsRead)
def put_settings(
    body: str, data: SettingsUpdate, session: DbSession, actor: ApiActor
) -> SettingsRead:
    found = body_by_ref(session, body)
    return SettingsRead.model_validate(
        body_rules.update_settings(
            session,
            actor=actor,
            body_id=found.id,
            quorum_percent=data.quorum_percent,
            majority=data.majority.value if data.majority else None,
            eligible_kinds=data.eligible_kinds,
            requires_alliance_membership=data.requires_alliance_membership,
        )
    )


@router.get("/motions", response_model=list[MotionRead])
def list_motions(session: DbSession, actor: ApiActor, body: str | None = None) -> list[MotionRead]:
    body_id = body_by_ref(session, body).id if body else None
    return [
        MotionRead.model_validate(m)
        for m in voting.list_motions(session, actor=actor, body_id=body_id)
    ]


@router.post("/motions", response_model=MotionRead, status_code=status.HTTP_201_CREATED)
def create_motion(data: MotionCreate, session: DbSession, actor: ApiActor) -> MotionRead:
    found = body_by_ref(session, data.body)
    motion = voting.create_motion(
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
    return MotionRead.model_validate(motion)


@router.get("/motions/{motion_id}", response_model=MotionRead)
def get_motion(motion_id: str, session: DbSession, actor: ApiActor) -> MotionRead:
    return MotionRead.model_validate(voting.get_motion(session, actor=actor, motion_id=motion_id))


@router.post("/motions/{motion_id}/votes", response_model=VoteRead)
def vote(motion_id: str, data: VoteCast, session: DbSession, actor: ApiActor) -> VoteRead:
    cast = voting.cast_vote(
        session, actor=actor, motion_id=motion_id, option=data.option, receipt=data.receipt
    )
    return VoteRead(motion_id=motion_id, changed=cast.changed, receipt=cast.receipt)


@router.post("/motions/{motion_id}/close", response_model=MotionRead)
def close(motion_id: str, session: DbSession, actor: ApiActor) -> MotionRead:
    return MotionRead.model_validate(voting.close_motion(session, actor=actor, motion_id=motion_id))


def _include_parts() -> None:
    from nohaven.governance import api_applications, api_meetings, api_progress, api_statements

    router.include_router(api_meetings.router)
    router.include_router(api_statements.router)
    router.include_router(api_progress.router)
    router.include_router(api_applications.router)


_include_parts()
