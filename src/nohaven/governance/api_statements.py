"""JSON API for statements (members) and the public list of published ones."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.governance import statements as service
from nohaven.governance.bodies import body_by_ref
from nohaven.governance.schemas import StatementCreate, StatementRead
from nohaven.transactions import writes

router = APIRouter(tags=["governance"])


class TextIn(BaseModel):
    text: str = Field(min_length=1, max_length=50000)


class VersionRead(BaseModel):
    number: int
    text: str
    author_id: str | None
    created_at: datetime


class PublishIn(BaseModel):
    signatory_ids: list[str] | None = None


class PublicStatement(BaseModel):
    slug: str
    title: str
    body: str
    published_at: datetime | None
    text: str
    signatories: list[str]


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


@router.get("/public/statements", response_model=list[PublicStatement])
def public_statements(session: DbSession, body: str | None = None) -> list[PublicStatement]:
    """Published statements: no account needed."""
    body_id = body_by_ref(session, body).id if body else None
    return [
        PublicStatement(
            slug=i.statement.slug,
            title=i.statement.title,
            body=i.body.name,
            published_at=i.statement.published_at,
            text=i.text,
            signatories=[o.name for o in i.signatories],
        )
        for i in service.published_statements(session, body_id=body_id)
    ]


class ContactMessageRead(BaseModel):
    id: str
    name: str
    email: str
    subject: str
    message: str
    created_at: datetime


@router.get("/governance/bodies/{body}/contact-messages", response_model=list[ContactMessageRead])
@writes  # records an audited read
def contact_messages(body: str, session: DbSession, actor: ApiActor) -> list[ContactMessageRead]:
    """The public's messages to the body's secretariat (the secretariat only)."""
    from nohaven.audit import service as audit
    from nohaven.governance import public

    found = body_by_ref(session, body)
    rows = public.contact_messages(session, actor=actor, body_id=found.id)
    audit.record(
        session,
        actor=actor,
        action="contact.list",
        resource_type="contact_message",
        organisation_id=actor.organisation_id,
        summary={"body_id": found.id, "count": len(rows)},
    )
    return [
        ContactMessageRead(
            id=r.id,
            name=r.name,
            email=r.email,
            subject=r.subject,
            message=r.message,
            created_at=r.created_at,
        )
        for r in rows
    ]
