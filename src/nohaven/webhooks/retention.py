"""Forgetting old deliveries: delivered and failed ones, with their attempts, once older than
``settings.webhooks.keep_days`` (the ``webhooks.purge`` job). A pending delivery — one that
waits for a paused endpoint — is kept however old, so nothing is lost that was never sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from nohaven.webhooks.models import Attempt, Delivery, DeliveryStatus


@dataclass(frozen=True)
class Purged:
    deliveries: int
    attempts: int


def purge(session: Session, *, now: datetime, keep_days: int) -> Purged:
    old = select(Delivery.id).where(
        Delivery.status.in_([str(DeliveryStatus.DELIVERED), str(DeliveryStatus.FAILED)]),
        Delivery.created_at < now - timedelta(days=keep_days),
    )
    # Attempts first: SQLite does not cascade unless told to.
    attempts = session.execute(delete(Attempt).where(Attempt.delivery_id.in_(old)))
    deliveries = session.execute(delete(Delivery).where(Delivery.id.in_(old.scalar_subquery())))
    return Purged(
        deliveries=int(getattr(deliveries, "rowcount", 0) or 0),
        attempts=int(getattr(attempts, "rowcount", 0) or 0),
    )
