"""Queries of the public pages and the contact form; never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from nohaven.governance.public.models import ContactAttempt, ContactMessage
from nohaven.members.models import Body


def body_by_slug(session: Session, slug: str) -> Body | None:
    return session.scalar(select(Body).where(Body.slug == slug))


def attempts_since(session: Session, client_hash: str, since: datetime) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(ContactAttempt)
            .where(ContactAttempt.client_hash == client_hash, ContactAttempt.at >= since)
        )
        or 0
    )


def delete_attempts_before(session: Session, moment: datetime) -> int:
    result = session.execute(
        delete(ContactAttempt)
        .where(ContactAttempt.at < moment)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def messages(session: Session, body_id: str) -> Sequence[ContactMessage]:
    return session.scalars(
        select(ContactMessage)
        .where(ContactMessage.body_id == body_id)
        .order_by(ContactMessage.created_at.desc())
    ).all()


def delete_messages_before(session: Session, moment: datetime) -> int:
    """Messages handled before ``moment``, and messages received before it that nobody handled."""
    result = session.execute(
        delete(ContactMessage)
        .where(
            or_(
                ContactMessage.handled_at < moment,
                and_(ContactMessage.handled_at.is_(None), ContactMessage.created_at < moment),
            )
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
