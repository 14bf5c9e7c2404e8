"""Queries of the travel domain; never commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, selectinload

from nohaven.members.models import Organisation, User
from nohaven.travel.models import (
    Amendment,
    Complaint,
    ItineraryLeg,
    NotificationStatus,
    PointOfContact,
    ReadReceipt,
    Recipient,
    TravelNotification,
)


def points_of_contact(session: Session) -> Sequence[tuple[PointOfContact, Organisation]]:
    rows = session.execute(
        select(PointOfContact, Organisation)
        .join(Organisation, Organisation.id == PointOfContact.organisation_id)
        .order_by(PointOfContact.country)
    ).all()
    return [(row[0], row[1]) for row in rows]


def point_of_contact(session: Session, country: str) -> PointOfContact | None:
    return session.execute(
        select(PointOfContact).where(PointOfContact.country == country)
    ).scalar_one_or_none()


def notification(session: Session, notification_id: str) -> TravelNotification | None:
    return session.execute(
        select(TravelNotification)
        .where(TravelNotification.id == notification_id)
        .options(selectinload(TravelNotification.legs), selectinload(TravelNotification.recipients))
    ).scalar_one_or_none()


@dataclass(frozen=True)
class LegFilter:
    """Notifications with at least one leg to ``destination`` departing within the dates
    (each part optional): on the columns kept in clear, so the database does the work."""

    destination: str | None = None
    departs_from: date | None = None
    departs_until: date | None = None

    def condition(self) -> ColumnElement[bool] | None:
        parts: list[ColumnElement[bool]] = []
        if self.destination:
            parts.append(ItineraryLeg.destination_country == self.destination)
        if self.departs_from:
            parts.append(ItineraryLeg.departs_on >= self.departs_from)
        if self.departs_until:
            parts.append(ItineraryLeg.departs_on <= self.departs_until)
        if not parts:
            return None
        legs = select(ItineraryLeg.notification_id).where(*parts)
        return TravelNotification.id.in_(legs)


def notifications_of(
    session: Session, organisation_id: str, *, where: LegFilter | None = None
) -> Sequence[TravelNotification]:
    """Sent by or addressed to the organisation (the policy still decides each one)."""
    received = select(Recipient.notification_id).where(Recipient.organisation_id == organisation_id)
    query = select(TravelNotification).where(
        or_(
            TravelNotification.sender_organisation_id == organisation_id,
            TravelNotification.id.in_(received),
        )
    )
    condition = where.condition() if where else None
    if condition is not None:
        query = query.where(condition)
    return (
        session.execute(
            query.options(
                selectinload(TravelNotification.legs),
                selectinload(TravelNotification.recipients),
            ).order_by(TravelNotification.departs_on.desc(), TravelNotification.sent_at.desc())
        )
        .scalars()
        .all()
    )


def amendments(session: Session, notification_id: str) -> Sequence[Amendment]:
    return (
        session.execute(
            select(Amendment)
            .where(Amendment.notification_id == notification_id)
            .order_by(Amendment.version)
        )
        .scalars()
        .all()
    )


def complaints(session: Session, notification_id: str) -> Sequence[Complaint]:
    return (
        session.execute(
            select(Complaint)
            .where(Complaint.notification_id == notification_id)
            .order_by(Complaint.lodged_at)
        )
        .scalars()
        .all()
    )


def read_receipts(session: Session, notification_id: str) -> Sequence[ReadReceipt]:
    return (
        session.execute(
            select(ReadReceipt)
            .where(ReadReceipt.notification_id == notification_id)
            .order_by(ReadReceipt.read_at.desc())
        )
        .scalars()
        .all()
    )


def organisations(session: Session, ids: set[str]) -> dict[str, Organisation]:
    if not ids:
        return {}
    found = session.execute(select(Organisation).where(Organisation.id.in_(ids))).scalars()
    return {org.id: org for org in found}


def users(session: Session, ids: set[str]) -> dict[str, User]:
    if not ids:
        return {}
    found = session.execute(select(User).where(User.id.in_(ids))).scalars()
    return {user.id: user for user in found}


def open_notifications(session: Session) -> Sequence[TravelNotification]:
    return (
        session.execute(
            select(TravelNotification)
            .where(TravelNotification.status == NotificationStatus.SENT)
            .options(
                selectinload(TravelNotification.recipients),
                selectinload(TravelNotification.legs),
            )
            # Two servers running the daily job at once must not both escalate a receiver.
            .with_for_update(skip_locked=True)
        )
        .scalars()
        .all()
    )


def expired_notifications(session: Session, *, ended_before: date) -> Sequence[TravelNotification]:
    return (
        session.execute(
            select(TravelNotification)
            .where(
                TravelNotification.status != NotificationStatus.PURGED,
                TravelNotification.travel_ends_on < ended_before,
            )
            .options(selectinload(TravelNotification.legs))
            .with_for_update(skip_locked=True)
        )
        .scalars()
        .all()
    )
