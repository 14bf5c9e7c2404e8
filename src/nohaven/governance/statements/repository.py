"""Queries of statements, their versions, comments and signatories; never commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from nohaven.governance.statements.models import (
    Statement,
    StatementComment,
    StatementSignatory,
    StatementStatus,
    StatementVersion,
)
from nohaven.members.models import Organisation


def slug_taken(session: Session, slug: str) -> bool:
    return session.scalar(select(Statement.id).where(Statement.slug == slug)) is not None


def statements(session: Session, *, body_id: str | None = None) -> Sequence[Statement]:
    query = select(Statement).order_by(Statement.updated_at.desc())
    if body_id:
        query = query.where(Statement.body_id == body_id)
    return session.scalars(query).all()


def versions(session: Session, statement_id: str) -> list[StatementVersion]:
    return list(
        session.scalars(
            select(StatementVersion)
            .where(StatementVersion.statement_id == statement_id)
            .order_by(StatementVersion.number)
        )
    )


def comments(session: Session, statement_id: str) -> list[StatementComment]:
    return list(
        session.scalars(
            select(StatementComment)
            .options(selectinload(StatementComment.organisation))
            .where(StatementComment.statement_id == statement_id)
            .order_by(StatementComment.created_at)
        )
    )


def latest_version(session: Session, statement_id: str) -> int:
    return int(
        session.scalar(
            select(func.max(StatementVersion.number)).where(
                StatementVersion.statement_id == statement_id
            )
        )
        or 0
    )


def of_motion(session: Session, motion_id: str) -> Statement | None:
    return session.scalar(select(Statement).where(Statement.motion_id == motion_id))


def drafts(session: Session, body_ids: list[str]) -> list[Statement]:
    return list(
        session.scalars(
            select(Statement).where(
                Statement.status == StatementStatus.DRAFT, Statement.body_id.in_(body_ids)
            )
        )
    )


def version_text(session: Session, statement_id: str, number: int | None) -> str | None:
    return session.scalar(
        select(StatementVersion.text).where(
            StatementVersion.statement_id == statement_id, StatementVersion.number == number
        )
    )


def signatories(session: Session, statement_id: str) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .join(StatementSignatory, StatementSignatory.organisation_id == Organisation.id)
            .where(StatementSignatory.statement_id == statement_id)
            .order_by(Organisation.name)
        )
    )


def published(session: Session, *, body_id: str | None, limit: int) -> Sequence[Statement]:
    query = (
        select(Statement)
        .where(Statement.status == StatementStatus.PUBLISHED)
        .order_by(Statement.published_at.desc())
        .limit(limit)
    )
    if body_id:
        query = query.where(Statement.body_id == body_id)
    return session.scalars(query).all()


def published_by_slug(session: Session, slug: str) -> Statement | None:
    return session.scalar(
        select(Statement).where(
            Statement.slug == slug, Statement.status == StatementStatus.PUBLISHED
        )
    )
