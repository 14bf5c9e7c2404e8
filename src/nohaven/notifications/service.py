"""Sending notices to an organisation's inbox and reading them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import NotFound
from nohaven.kit.clock import utcnow
from nohaven.notifications.models import Notice


def notify(
    session: Session,
    *,
    actor: Actor,
    organisation_id: str,
    kind: str,
    title: str,
    body: str = "",
    link: str | None = None,
) -> Notice:
    """Put a notice in an organisation's inbox, in the caller's transaction."""
    notice = Notice(
        organisation_id=organisation_id, kind=kind, title=title[:200], body=body, link=link
    )
    session.add(notice)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="notice.create",
        resource_type="notice",
        resource_id=notice.id,
        organisation_id=organisation_id,
        summary={"kind": kind},
    )
    return notice


def inbox(
    session: Session, *, actor: Actor, unread_only: bool = False, limit: int = 200
) -> Sequence[Notice]:
    require(actor, Action.LIST, Notice)
    query = (
        select(Notice)
        .where(Notice.organisation_id == actor.organisation_id)
        .order_by(Notice.created_at.desc())
        .limit(limit)
    )
    if unread_only:
        query = query.where(Notice.read_at.is_(None))
    return session.execute(query).scalars().all()


def unread_count(session: Session, *, actor: Actor) -> int:
    if actor.organisation_id is None:
        return 0
    return int(
        session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(Notice.organisation_id == actor.organisation_id, Notice.read_at.is_(None))
        )
        or 0
    )


def mark_read(session: Session, *, actor: Actor, notice_id: str) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NotFound("No such notice.")
    require(actor, Action.UPDATE, notice)
    if notice.read_at is None:
        notice.read_at = utcnow()
        notice.read_by_id = actor.user_id
        session.flush()
    return notice
