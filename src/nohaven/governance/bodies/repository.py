"""Queries about bodies for the governance rooms; never commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.governance.bodies.models import StandingOrders
from nohaven.members.models import Body, Organisation


def body_by_id_or_slug(session: Session, ref: str) -> Body | None:
    return session.get(Body, ref) or session.scalar(select(Body).where(Body.slug == ref))


def bodies(session: Session, *, ids: list[str] | None = None) -> list[Body]:
    """Bodies by name; only those in ``ids`` when given."""
    query = select(Body).order_by(Body.name)
    if ids is not None:
        query = query.where(Body.id.in_(ids))
    return list(session.scalars(query))


def body_names(session: Session) -> dict[str, str]:
    return {b.id: b.name for b in session.scalars(select(Body))}


def standing_orders(session: Session, body_id: str) -> StandingOrders | None:
    return session.get(StandingOrders, body_id)


def organisation_names(session: Session) -> dict[str, str]:
    return {row.id: row.name for row in session.execute(select(Organisation.id, Organisation.name))}
