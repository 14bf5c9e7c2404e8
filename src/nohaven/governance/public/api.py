"""JSON API of what is public (published statements) and of what the public sent (the
secretariat's contact messages)."""

from __future__ import annotations

from fastapi import APIRouter

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.governance.bodies.service import body_by_ref
from nohaven.governance.public import service
from nohaven.governance.public.schemas import ContactMessageRead, PublicStatement
from nohaven.governance.statements import service as statements
from nohaven.transactions import writes

router = APIRouter(tags=["governance"])


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
        for i in statements.published_statements(session, body_id=body_id)
    ]


@router.get("/governance/bodies/{body}/contact-messages", response_model=list[ContactMessageRead])
@writes  # records an audited read
def contact_messages(body: str, session: DbSession, actor: ApiActor) -> list[ContactMessageRead]:
    """The public's messages to the body's secretariat (the secretariat only)."""
    found = body_by_ref(session, body)
    rows = service.contact_messages(session, actor=actor, body_id=found.id)
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
