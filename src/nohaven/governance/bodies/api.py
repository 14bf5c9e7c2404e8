"""JSON API of a body's standing orders and officers (mounted under /api/v1)."""

from __future__ import annotations

from fastapi import APIRouter

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.governance.bodies import service
from nohaven.governance.bodies.schemas import (
    HandOver,
    StandingOrdersRead,
    StandingOrdersUpdate,
    TermRead,
)

router = APIRouter(tags=["governance"])


@router.get("/governance/bodies/{body}/settings", response_model=StandingOrdersRead)
def get_standing_orders(body: str, session: DbSession, actor: ApiActor) -> StandingOrdersRead:
    found = service.body_by_ref(session, body)
    return StandingOrdersRead.model_validate(
        service.read_standing_orders(session, actor=actor, body_id=found.id)
    )


@router.put("/governance/bodies/{body}/settings", response_model=StandingOrdersRead)
def put_standing_orders(
    body: str, data: StandingOrdersUpdate, session: DbSession, actor: ApiActor
) -> StandingOrdersRead:
    found = service.body_by_ref(session, body)
    return StandingOrdersRead.model_validate(
        service.update_standing_orders(
            session,
            actor=actor,
            body_id=found.id,
            quorum_percent=data.quorum_percent,
            majority=data.majority.value if data.majority else None,
            eligible_kinds=data.eligible_kinds,
            requires_alliance_membership=data.requires_alliance_membership,
        )
    )


@router.post("/governance/bodies/{body}/officers", response_model=TermRead)
def hand_over(body: str, data: HandOver, session: DbSession, actor: ApiActor) -> TermRead:
    found = service.body_by_ref(session, body)
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
    found = service.body_by_ref(session, body)
    return [
        TermRead(
            organisation_id=m.organisation_id,
            role=m.role,
            start_date=m.start_date,
            end_date=m.end_date,
        )
        for m in service.office_history(session, actor=actor, body_id=found.id)
    ]
