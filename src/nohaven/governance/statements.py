"""Joint statements: drafted in versions with comments, adopted by a motion, published with
their signatory members; published statements are public (page and Atom feed)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, require
from nohaven.errors import Conflict, InvalidInput, NotFound
from nohaven.governance.models import (
    Statement,
    StatementComment,
    StatementSignatory,
    StatementStatus,
    StatementVersion,
)
from nohaven.governance.voting import voting_organisations
from nohaven.kit.clock import utcnow
from nohaven.members.models import Body, Organisation


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80] or "statement"


def _new_slug(session: Session, title: str) -> str:
    """The title's words and a random part. A counter ("…-2") would tell the author that
    another body, perhaps in a draft nobody else may see, already used the same title."""
    base = slugify(title)[:70].rstrip("-")
    while True:
        slug = f"{base}-{secrets.token_hex(4)}"
        if session.scalar(select(Statement.id).where(Statement.slug == slug)) is None:
            return slug


def _required(value: str, field: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise InvalidInput(
            f"The {field} is required.", errors=[{"field": field, "message": "required"}]
        )
    return cleaned


def create_statement(
    session: Session, *, actor: Actor, body_id: str, title: str, text: str
) -> Statement:
    body = session.get(Body, body_id)
    if body is None:
        raise NotFound("No such body.")
    statement = Statement(body_id=body.id, title=_required(title, "title"))
    require(actor, Action.CREATE, statement)
    text = _required(text, "text")
    statement.slug = _new_slug(session, statement.title)
    session.add(statement)
    session.flush()
    session.add(
        StatementVersion(
            statement_id=statement.id, number=1, text=text, author_id=actor.organisation_id
        )
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="statement.create",
        resource_type="statement",
        resource_id=statement.id,
        organisation_id=actor.organisation_id,
        summary={"body_id": body.id, "version": 1},
    )
    return statement


def get_statement(session: Session, *, actor: Actor, statement_id: str) -> Statement:
    statement = session.get(Statement, statement_id)
    if statement is None:
        raise NotFound("No such statement.")
    require(actor, Action.READ, statement)
    return statement


def list_statements(
    session: Session, *, actor: Actor, body_id: str | None = None
) -> list[Statement]:
    require(actor, Action.LIST, Statement)
    query = select(Statement).order_by(Statement.updated_at.desc())
    if body_id:
        query = query.where(Statement.body_id == body_id)
    return [s for s in session.scalars(query) if can(actor, Action.READ, s)]


def versions(session: Session, *, statement: Statement) -> list[StatementVersion]:
    return list(
        session.scalars(
            select(StatementVersion)
            .where(StatementVersion.statement_id == statement.id)
            .order_by(StatementVersion.number)
        )
    )


def comments(session: Session, *, statement: Statement) -> list[StatementComment]:
    return list(
        session.scalars(
            select(StatementComment)
            .options(selectinload(StatementComment.organisation))
            .where(StatementComment.statement_id == statement.id)
            .order_by(StatementComment.created_at)
        )
    )


def _latest(session: Session, statement_id: str) -> int:
    return int(
        session.scalar(
            select(func.max(StatementVersion.number)).where(
                StatementVersion.statement_id == statement_id
            )
        )
        or 0
    )


def revise(session: Session, *, actor: Actor, statement_id: str, text: str) -> StatementVersion:
    statement = get_statement(session, actor=actor, statement_id=statement_id)
    require(actor, Action.UPDATE, statement)
    if statement.status != StatementStatus.DRAFT:
        raise Conflict("An adopted statement is not revised; draft a new one.")
    version = StatementVersion(
        statement_id=statement.id,
        number=_latest(session, statement.id) + 1,
        text=_required(text, "text"),
        author_id=actor.organisation_id,
    )
    session.add(version)
    statement.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="statement.revise",
        resource_type="statement",
        resource_id=statement.id,
        organisation_id=actor.organisation_id,
        summary={"version": version.number},
    )
    return version


def comment(session: Session, *, actor: Actor, statement_id: str, text: str) -> StatementComment:
    statement = get_statement(session, actor=actor, statement_id=statement_id)
    require(actor, Action.PROPOSE, statement)
    if statement.status != StatementStatus.DRAFT:
        raise Conflict("Comments close when the statement is adopted.")
    row = StatementComment(
        statement_id=statement.id,
        version=_latest(session, statement.id),
        organisation_id=actor.organisation_id,
        text=_required(text, "text"),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="statement.comment",
        resource_type="statement",
        resource_id=statement.id,
        organisation_id=actor.organisation_id,
        summary={"version": row.version},
    )
    return row


def publish(
    session: Session, *, actor: Actor, statement_id: str, signatory_ids: list[str] | None = None
) -> Statement:
    """Publish an adopted statement with its signatories (default: every voting member)."""
    statement = get_statement(session, actor=actor, statement_id=statement_id)
    require(actor, Action.MANAGE, statement)
    if statement.status == StatementStatus.PUBLISHED:
        raise Conflict("This statement is already published.")
    if statement.status != StatementStatus.ADOPTED:
        raise Conflict("Only a statement adopted by a motion is published.")
    voters = voting_organisations(session, statement.body_id, utcnow().date())
    chosen = set(signatory_ids) if signatory_ids else voters
    if not chosen <= voters:
        raise InvalidInput(
            "Signatories are voting members of the body.",
            errors=[{"field": "signatory_ids", "message": f"{len(chosen - voters)} not members"}],
        )
    for org_id in sorted(chosen):
        session.add(StatementSignatory(statement_id=statement.id, organisation_id=org_id))
    statement.status = StatementStatus.PUBLISHED
    statement.published_at = utcnow()
    statement.updated_at = statement.published_at
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="statement.publish",
        resource_type="statement",
        resource_id=statement.id,
        summary={"signatories": len(chosen), "version": statement.adopted_version},
    )
    return statement


# --- public ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedStatement:
    statement: Statement
    body: Body
    text: str
    signatories: list[Organisation]


def _published(session: Session, statement: Statement) -> PublishedStatement:
    text = session.scalar(
        select(StatementVersion.text).where(
            StatementVersion.statement_id == statement.id,
            StatementVersion.number == statement.adopted_version,
        )
    )
    signatories = list(
        session.scalars(
            select(Organisation)
            .join(StatementSignatory, StatementSignatory.organisation_id == Organisation.id)
            .where(StatementSignatory.statement_id == statement.id)
            .order_by(Organisation.name)
        )
    )
    body = session.get(Body, statement.body_id)
    if body is None:  # pragma: no cover - foreign key
        raise NotFound("No such body.")
    return PublishedStatement(
        statement=statement, body=body, text=text or "", signatories=signatories
    )


def published_statements(
    session: Session, *, body_id: str | None = None, limit: int = 50
) -> list[PublishedStatement]:
    """Readable by anyone: only published statements, newest first."""
    query = (
        select(Statement)
        .where(Statement.status == StatementStatus.PUBLISHED)
        .order_by(Statement.published_at.desc())
        .limit(limit)
    )
    if body_id:
        query = query.where(Statement.body_id == body_id)
    return [_published(session, s) for s in session.scalars(query)]


def published_statement(session: Session, *, slug: str) -> PublishedStatement:
    statement = session.scalar(
        select(Statement).where(
            Statement.slug == slug, Statement.status == StatementStatus.PUBLISHED
        )
    )
    if statement is None:
        raise NotFound("No such published statement.")
    return _published(session, statement)
