"""Pages for moving and cancelling a meeting (its body's officers and the secretariat, as the
meetings rule says). Each change reaches the delegates' calendars: an update or a cancellation
with a higher SEQUENCE (see `invitations`), through the outbox, in the same transaction."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nohaven.auth.deps import DbSession, WebActor
from nohaven.governance.meetings import service
from nohaven.governance.meetings.views import _act, _local_datetime

router = APIRouter()


@router.post("/meetings/{meeting_id}/reschedule")
def reschedule(
    request: Request,
    session: DbSession,
    actor: WebActor,
    meeting_id: str,
    day: Annotated[str, Form(max_length=20)],
    time: Annotated[str, Form(max_length=10)] = "09:00",
    duration_minutes: Annotated[int, Form(ge=15, le=7200)] = 120,
    location: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    return _act(
        request,
        session,
        actor,
        meeting_id,
        lambda: service.reschedule_meeting(
            session,
            actor=actor,
            meeting_id=meeting_id,
            starts_at=_local_datetime(day, time),
            duration_minutes=duration_minutes,
            location=location if location.strip() else None,
        ),
        "Meeting moved; the delegates' calendars are updated.",
    )


@router.post("/meetings/{meeting_id}/cancel")
def cancel(request: Request, session: DbSession, actor: WebActor, meeting_id: str) -> Response:
    return _act(
        request,
        session,
        actor,
        meeting_id,
        lambda: service.cancel_meeting(session, actor=actor, meeting_id=meeting_id),
        "Meeting cancelled; the delegates' calendars are told.",
    )
