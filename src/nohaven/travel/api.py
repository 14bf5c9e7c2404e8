"""JSON API of the travel domain, and the start-up hook that runs its daily jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.config import AppSettings
from nohaven.errors import Forbidden
from nohaven.kit.schemas import Day
from nohaven.transactions import writes
from nohaven.travel import complaints, corrections, present, receiving, routing, service
from nohaven.travel.schemas import (
    ComplaintIn,
    ComplaintRead,
    ComplaintResolution,
    NotificationAmend,
    NotificationCreate,
    NotificationRead,
    NotificationSummary,
    PointOfContactIn,
    PointOfContactRead,
    ReadReceiptRead,
    ResponseIn,
    Withdrawal,
)

router = APIRouter(prefix="/travel", tags=["travel"])


@router.get("/points-of-contact", response_model=list[PointOfContactRead])
def list_points_of_contact(session: DbSession, actor: ApiActor) -> list[PointOfContactRead]:
    return [
        PointOfContactRead(
            country=contact.country, organisation_id=org.id, organisation_name=org.name
        )
        for contact, org in routing.list_points_of_contact(session, actor=actor)
    ]


@router.put("/points-of-contact/{country}", response_model=PointOfContactRead)
def set_point_of_contact(
    country: str, data: PointOfContactIn, session: DbSession, actor: ApiActor
) -> PointOfContactRead:
    contact = routing.set_point_of_contact(
        session, actor=actor, country=country, organisation_id=data.organisation_id
    )
    org = next(o for c, o in routing.list_points_of_contact(session, actor=actor) if c is contact)
    return PointOfContactRead(
        country=contact.country, organisation_id=org.id, organisation_name=org.name
    )


@router.delete("/points-of-contact/{country}", status_code=status.HTTP_204_NO_CONTENT)
def remove_point_of_contact(country: str, session: DbSession, actor: ApiActor) -> Response:
    routing.remove_point_of_contact(session, actor=actor, country=country)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/notifications", response_model=list[NotificationSummary])
def list_notifications(
    session: DbSession,
    actor: ApiActor,
    settings: AppSettings,
    destination: Annotated[
        str | None, Query(max_length=100, description="only with a leg to this country")
    ] = None,
    departs_from: Annotated[
        Day | None, Query(description="only with a leg departing on or after this date")
    ] = None,
    departs_until: Annotated[
        Day | None, Query(description="only with a leg departing on or before this date")
    ] = None,
) -> list[NotificationSummary]:
    where = service.leg_filter(
        destination=destination,
        departs_from=departs_from.isoformat() if departs_from else None,
        departs_until=departs_until.isoformat() if departs_until else None,
    )
    found = service.list_notifications(session, actor=actor, where=where)
    return present.summaries(session, actor=actor, found=found, ack_hours=settings.travel_ack_hours)


@router.post("/notifications", response_model=NotificationRead, status_code=status.HTTP_201_CREATED)
def create_notification(
    data: NotificationCreate, session: DbSession, actor: ApiActor, settings: AppSettings
) -> NotificationRead:
    notification, warnings = service.create_notification(
        session, actor=actor, data=data, late_hours=settings.travel_late_hours
    )
    found = service.visible(session, actor=actor, notification_id=notification.id)
    return present.detail(
        session,
        actor=actor,
        notification=found,
        ack_hours=settings.travel_ack_hours,
        warnings=warnings,
    )


@router.get("/notifications/{notification_id}", response_model=NotificationRead)
@writes  # records an audited read
def get_notification(
    notification_id: str, session: DbSession, actor: ApiActor, settings: AppSettings
) -> NotificationRead:
    found = service.get_notification(session, actor=actor, notification_id=notification_id)
    return present.detail(
        session, actor=actor, notification=found, ack_hours=settings.travel_ack_hours
    )


@router.get("/notifications/{notification_id}/read-receipts", response_model=list[ReadReceiptRead])
@writes  # records an audited read
def read_receipts(
    notification_id: str, session: DbSession, actor: ApiActor, settings: AppSettings
) -> list[ReadReceiptRead]:
    found = service.get_notification(session, actor=actor, notification_id=notification_id)
    shown = present.detail(
        session, actor=actor, notification=found, ack_hours=settings.travel_ack_hours
    )
    if shown.read_receipts is None:
        raise Forbidden("Only the sending organisation sees who read a notification.")
    return shown.read_receipts


def _reread(
    session: DbSession, actor: ApiActor, notification_id: str, ack_hours: int
) -> NotificationRead:
    found = service.get_notification(session, actor=actor, notification_id=notification_id)
    return present.detail(session, actor=actor, notification=found, ack_hours=ack_hours)


@router.post("/notifications/{notification_id}/acknowledge", response_model=NotificationRead)
def acknowledge(
    notification_id: str, session: DbSession, actor: ApiActor, settings: AppSettings
) -> NotificationRead:
    receiving.acknowledge(session, actor=actor, notification_id=notification_id)
    return _reread(session, actor, notification_id, settings.travel_ack_hours)


@router.post("/notifications/{notification_id}/response", response_model=NotificationRead)
def respond(
    notification_id: str,
    data: ResponseIn,
    session: DbSession,
    actor: ApiActor,
    settings: AppSettings,
) -> NotificationRead:
    receiving.respond(session, actor=actor, notification_id=notification_id, data=data)
    return _reread(session, actor, notification_id, settings.travel_ack_hours)


@router.post(
    "/notifications/{notification_id}/amendments",
    response_model=NotificationRead,
    status_code=status.HTTP_201_CREATED,
)
def amend(
    notification_id: str,
    data: NotificationAmend,
    session: DbSession,
    actor: ApiActor,
    settings: AppSettings,
) -> NotificationRead:
    corrections.amend(session, actor=actor, notification_id=notification_id, data=data)
    return _reread(session, actor, notification_id, settings.travel_ack_hours)


@router.post("/notifications/{notification_id}/withdraw", response_model=NotificationRead)
def withdraw(
    notification_id: str,
    data: Withdrawal,
    session: DbSession,
    actor: ApiActor,
    settings: AppSettings,
) -> NotificationRead:
    corrections.withdraw(session, actor=actor, notification_id=notification_id, data=data)
    return _reread(session, actor, notification_id, settings.travel_ack_hours)


@router.post(
    "/notifications/{notification_id}/complaints",
    response_model=ComplaintRead,
    status_code=status.HTTP_201_CREATED,
)
def lodge_complaint(
    notification_id: str, data: ComplaintIn, session: DbSession, actor: ApiActor
) -> ComplaintRead:
    complaint = complaints.lodge_complaint(
        session, actor=actor, notification_id=notification_id, data=data
    )
    return ComplaintRead(
        id=complaint.id,
        organisation_id=complaint.organisation_id,
        source=complaint.source,
        grounds=complaints.complaint_text(complaint, "grounds"),
        status=complaint.status,
        resolution=None,
        lodged_at=complaint.lodged_at,
        resolved_at=None,
    )


@router.post(
    "/notifications/{notification_id}/complaints/{complaint_id}/resolve",
    response_model=NotificationRead,
)
def resolve_complaint(
    notification_id: str,
    complaint_id: str,
    data: ComplaintResolution,
    session: DbSession,
    actor: ApiActor,
    settings: AppSettings,
) -> NotificationRead:
    complaints.resolve_complaint(
        session,
        actor=actor,
        notification_id=notification_id,
        complaint_id=complaint_id,
        data=data,
    )
    return _reread(session, actor, notification_id, settings.travel_ack_hours)
