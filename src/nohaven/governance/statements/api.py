"""JSON API of joint statements (members; the public list is in `public`)."""

from __future__ import annotations

from fastapi import APIRouter, status

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.governance.bodies.service import body_by_ref
from nohaven.governance.statements import service
from nohaven.governance.statements.schemas import (
    PublishIn,
    StatementCreate,
    StatementRead,
    TextIn,
    VersionRead,
)

router = APIRouter(tags=["governance"])


@router.get("/statements", response_model=list[StatementRead])
def list_statements(
    session: DbSession, actor: ApiActor, body: str | None = None
) -> list[StatementRead]:
    body_id = body_by_ref(session, body).id if body else None
    return [
        StatementRead.model_validate(s)
        for s in service.list_statements(session, actor=actor, body_id=body_id)
    ]


@router.post("/statements", response_model=StatementRead, status_code=status.HTTP_201_CREATED)
def create(data: StatementCreate, session: DbSession, actor: ApiActor) -> StatementRead:
    found = body_by_ref(session, data.body)
    return StatementRead.model_validate(
        service.create_statement(
            session, actor=actor, body_id=found.id, title=data.title, text=data.text
        )
    )


@router.get("/statements/{statement_id}/versions", response_model=list[VersionRead])
def versions(statement_id: str, session: DbSession, actor: ApiActor) -> list[VersionRead]:
    statement = service.get_statement(session, actor=actor, statement_id=statement_id)
    return [
        VersionRead(number=v.number, text=v.text, author_id=v.author_id, created_at=v.created_at)
        for v in service.versions(session, statement=statement)
    ]


@router.post(
    "/statements/{statement_id}/versions",
    response_model=VersionRead,
    status_code=status.HTTP_201_CREATED,
)
def revise(statement_id: str, data: TextIn, session: DbSession, actor: ApiActor) -> VersionRead:
    v = service.revise(session, actor=actor, statement_id=statement_id, text=data.text)
    return VersionRead(number=v.number, text=v.text, author_id=v.author_id, created_at=v.created_at)


@router.post("/statements/{statement_id}/comments", status_code=status.HTTP_201_CREATED)
def comment(statement_id: str, data: TextIn, session: DbSession, actor: ApiActor) -> dict[str, int]:
    row = service.comment(session, actor=actor, statement_id=statement_id, text=data.text)
    return {"version": row.version}


@router.post("/statements/{statement_id}/publish", response_model=StatementRead)
def publish(
    statement_id: str, data: PublishIn, session: DbSession, actor: ApiActor
) -> StatementRead:
    return StatementRead.model_validate(
        service.publish(
            session, actor=actor, statement_id=statement_id, signatory_ids=data.signatory_ids
        )
    )
