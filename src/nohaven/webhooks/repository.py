"""Queries of the webhooks domain; never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from nohaven.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint, EndpointState


def endpoints_of(session: Session, organisation_id: str) -> Sequence[Endpoint]:
    return (
        session.execute(
            select(Endpoint)
            .where(Endpoint.organisation_id == organisation_id)
            .order_by(Endpoint.created_at, Endpoint.id)
        )
        .scalars()
        .all()
    )


def all_endpoints(session: Session) -> Sequence[Endpoint]:
    return session.execute(select(Endpoint).order_by(Endpoint.id)).scalars().all()


def endpoint(session: Session, endpoint_id: str, *, for_update: bool = False) -> Endpoint | None:
    query = select(Endpoint).where(Endpoint.id == endpoint_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def deliveries(
    session: Session, endpoint_id: str, *, status: str | None = None, limit: int = 100
) -> Sequence[Delivery]:
    query = (
        select(Delivery)
        .where(Delivery.endpoint_id == endpoint_id)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(Delivery.status == status)
    return session.execute(query).scalars().all()


def delivery(session: Session, delivery_id: str) -> Delivery | None:
    return session.get(Delivery, delivery_id)


def attempts(session: Session, delivery_ids: Sequence[str]) -> dict[str, list[Attempt]]:
    found: dict[str, list[Attempt]] = {d: [] for d in delivery_ids}
    if not delivery_ids:
        return found
    rows = session.execute(
        select(Attempt)
        .where(Attempt.delivery_id.in_(delivery_ids))
        .order_by(Attempt.attempted_at, Attempt.id)
    ).scalars()
    for attempt in rows:
        found[attempt.delivery_id].append(attempt)
    return found


def due(session: Session, *, now: datetime, limit: int) -> Sequence[Delivery]:
    """Pending deliveries whose time has come, to active endpoints, oldest first, with their
    endpoint (locked: the job that sends them is the only writer)."""
    return (
        session.execute(
            select(Delivery)
            .join(Endpoint, Endpoint.id == Delivery.endpoint_id)
            .where(
                Delivery.status == DeliveryStatus.PENDING,
                Delivery.next_attempt_at <= now,
                Endpoint.state == EndpointState.ACTIVE,
            )
            .options(joinedload(Delivery.endpoint))
            .order_by(Delivery.next_attempt_at, Delivery.created_at, Delivery.id)
            .limit(limit)
        )
        .unique()
        .scalars()
        .all()
    )
