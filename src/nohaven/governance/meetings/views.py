"""Pages for meetings: cadence, scheduling, agenda, attendance, minutes, actions, exports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.errors import InvalidInput
from nohaven.governance.bodies import service as bodies
from nohaven.governance.meetings import ics, record, service
from nohaven.governance.rules import is_officer
from nohaven.kit.clock import utcnow
from nohaven.kit.filenames import content_disposition, download_name
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.kit.schemas import Day
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter()


def _list_page(
    request: Request, session: Session, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    now = utcnow()
    meetings = service.list_meetings(session, actor=actor)
    mine = {b.id: b for b in bodies.my_bodies(session, actor)}
    cadence = [
        (b, service.proposed_dates(session, body=b))
        for b in mine.values()
        if is_officer(actor, b.id)
    ]
    readable = {m.id for m in meetings}
    proposable = [
        m for m in service.meetings_open_to_proposals(session, actor=actor) if m.id not in readable
    ]
    names = bodies.body_names(session)
    return render(
        request,
        "governance/meetings.html",
        {
            "title": _("Meetings"),
            "upcoming": [m for m in meetings if m.ends_at >= now],
            "past": [m for m in reversed(meetings) if m.ends_at < now],
            "bodies": names,
            "cadence": cadence,
            "proposable": proposable,
            **extra,
        },
        status_code=status_code,
    )


@router.get("/meetings")
def meetings_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _list_page(request, session, actor)


def _local_datetime(day: str, time: str) -> datetime:
    try:
        return datetime.fromisoformat(f"{day.strip()}T{time.strip() or '09:00'}")
    except ValueError as exc:
        raise InvalidInput(
            N_("Give the date as YYYY-MM-DD and the time as HH:MM."),
            errors=[{"field": "starts_at", "message": "invalid"}],
        ) from exc


@router.post("/meetings")
def schedule(
    request: Request,
    session: DbSession,
    actor: WebActor,
    body_id: Annotated[str, Form(max_length=32)],
    title: Annotated[str, Form(max_length=200)],
    day: Annotated[str, Form(max_length=20)],
    time: Annotated[str, Form(max_length=10)] = "09:00",
    duration_minutes: Annotated[int, Form(ge=15, le=7200)] = 120,
    timezone: Annotated[str, Form(max_length=60)] = "UTC",
    location: Annotated[str, Form(max_length=300)] = "",
    online_url: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    return form_action(
        request,
        session,
        lambda: service.schedule_meeting(
            session,
            actor=actor,
            body_id=body_id,
            title=title,
            starts_at=_local_datetime(day, time),
            duration_minutes=duration_minutes,
            timezone=timezone.strip() or "UTC",
            location=location,
            online_url=online_url,
        ),
        refused=lambda refusal: _list_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=lambda meeting: f"/meetings/{meeting.id}",
        flash=N_("Meeting scheduled."),
    )


@router.post("/meetings/{meeting_id}/propose")
def propose_from_list(
    request: Request,
    session: DbSession,
    actor: WebActor,
    meeting_id: str,
    title: Annotated[str, Form(max_length=200)],
    description: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Initiatives propose items without reading the whole meeting record."""
    return form_action(
        request,
        session,
        lambda: service.propose_agenda_item(
            session, actor=actor, meeting_id=meeting_id, title=title, description=description
        ),
        refused=lambda refusal: _list_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        # Back to the meeting when its record is readable, else to the list it came from.
        redirect=lambda _item: (
            f"/meetings/{meeting_id}"
            if service.may_read(session, actor=actor, meeting_id=meeting_id)
            else "/meetings"
        ),
        flash=N_("Agenda item proposed."),
    )


def _meeting_context(session: Session, actor: Actor, meeting_id: str) -> dict[str, Any]:
    meeting = service.get_meeting(session, actor=actor, meeting_id=meeting_id)
    body = bodies.get_body(session, meeting.body_id)
    seats = bodies.seats(session, meeting.body_id, on=meeting.starts_at.date())
    present = {a.organisation_id for a in record.attendance(session, meeting=meeting)}
    return {
        "title": meeting.title,
        "meeting": meeting,
        "body": body,
        "agenda": service.agenda(session, meeting=meeting),
        "seats": seats,
        "present": present,
        "decisions": record.decisions(session, meeting=meeting),
        "actions": record.action_items(session, meeting=meeting),
        "officer": can(actor, Action.UPDATE, meeting),
        "may_propose": service.capacity(session, actor, meeting) is not None,
        "local_start": ics.local_time(meeting),
        "now": utcnow(),
    }


def _meeting_page(
    request: Request,
    session: Session,
    actor: Actor,
    meeting_id: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    ctx = _meeting_context(session, actor, meeting_id)
    return render(request, "governance/meeting.html", {**ctx, **extra}, status_code=status_code)


@router.get("/meetings/{meeting_id}")
def meeting_page(
    request: Request, session: DbSession, actor: WebActor, meeting_id: str
) -> Response:
    return _meeting_page(request, session, actor, meeting_id)


@router.get("/meetings/{meeting_id}/print")
def printable(request: Request, session: DbSession, actor: WebActor, meeting_id: str) -> Response:
    ctx = _meeting_context(session, actor, meeting_id)
    return render(request, "governance/meeting_print.html", ctx)


@router.get("/meetings/{meeting_id}/calendar.ics")
def calendar(request: Request, session: DbSession, actor: WebActor, meeting_id: str) -> Response:
    meeting = service.get_meeting(session, actor=actor, meeting_id=meeting_id)
    body = bodies.get_body(session, meeting.body_id)
    text = ics.meeting_ics(
        meeting,
        body_name=body.name if body else "",
        agenda=service.agenda(session, meeting=meeting),
        host=request.url.hostname or "nohaven",
        url=str(request.url_for("meeting_page", meeting_id=meeting.id)),
    )
    return Response(
        text.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition(
                download_name(meeting.title, extension="ics", on=meeting.starts_at.date())
            )
        },
    )


def _act(
    request: Request,
    session: Session,
    actor: Actor,
    meeting_id: str,
    fn: Callable[[], object],
    notice: str,
) -> Response:
    return form_action(
        request,
        session,
        fn,
        refused=lambda refusal: _meeting_page(
            request,
            session,
            actor,
            meeting_id,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        redirect=f"/meetings/{meeting_id}",
        flash=notice,
    )


@router.post("/meetings/{meeting_id}/agenda")
def propose(
    request: Request,
    session: DbSession,
    actor: WebActor,
    meeting_id: str,
    title: Annotated[str, Form(max_length=200)],
    description: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    return _act(
        request,
        session,
        actor,
        meeting_id,
        lambda: service.propose_agenda_item(
            session, actor=actor, meeting_id=meeting_id, title=title, description=description
        ),
        N_("Agenda item proposed."),
    )


@router.post("/meetings/{meeting_id}/agenda/{item_id}")
def decide_item(
    request: Request,
    session: DbSession,
    actor: WebActor,
    meeting_id: str,
    item_id: str,
    status: Annotated[str, Form(max_length=20)],
    position: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    def run() -> None:
        pos = int(position) if position.strip().isdigit() else None
        service.decide_agenda_item(
            session, actor=actor, item_id=item_id, status=status, position=pos
        )

    return _act(request, session, actor, meeting_id, run, N_("Agenda updated."))


@router.post("/meetings/{meeting_id}/attendance")
def attendance(
    request: Request,
    session: DbSession,
    actor: WebActor,
    meeting_id: str,
    present: Annotated[list[str] | None, Form()] = None,
) -> Response:
    return _act(
        request,
        session,
        actor,
        meeting_id,
        lambda: record.record_attendance(
            session, actor=actor, meeting_id=meeting_id, organisation_ids=present or []
        ),
        N_("Attendance recorded."),
    )


@router.post("/meetings/{meeting_id}/minutes")
def minutes(
    request: Request,
    session: DbSession,
    actor: WebActor,
    meeting_id: str,
    status: Annotated[str, Form(max_length=20)],
    text: Annotated[str | None, Form(max_length=100000)] = None,
) -> Response:
    return _act(
        request,
        session,
        actor,
        meeting_id,
        lambda: record.update_minutes(
            session, actor=actor, meeting_id=meeting_id, status=status, text=text
        ),
        {
            "drafted": N_("Minutes saved as a draft."),
            "circulated": N_("Minutes circulated to the members."),
            "approved": N_("Minutes approved."),
        }.get(status, N_("Minutes saved.")),
    )


@router.post("/meetings/{meeting_id}/decisions")
def decision(
    request: Request,
    session: DbSession,
    actor: WebActor,
    meeting_id: str,
    text: Annotated[str, Form(max_length=5000)],
) -> Response:
    return _act(
        request,
        session,
        actor,
        meeting_id,
        lambda: record.add_decision(session, actor=actor, meeting_id=meeting_id, text=text),
        N_("Decision recorded."),
    )


@router.post("/meetings/{meeting_id}/actions")
def action(
    request: Request,
    session: DbSession,
    actor: WebActor,
    meeting_id: str,
    text: Annotated[str, Form(max_length=2000)],
    owner_id: Annotated[str, Form(max_length=32)],
    due_date: Annotated[Day, Form()],
) -> Response:
    return _act(
        request,
        session,
        actor,
        meeting_id,
        lambda: record.add_action_item(
            session,
            actor=actor,
            meeting_id=meeting_id,
            text=text,
            owner_id=owner_id,
            due_date=due_date,
        ),
        N_("Action item added."),
    )


@router.post("/meetings/{meeting_id}/actions/{item_id}")
def action_status(
    request: Request,
    session: DbSession,
    actor: WebActor,
    meeting_id: str,
    item_id: str,
    status: Annotated[str, Form(max_length=20)],
) -> Response:
    return _act(
        request,
        session,
        actor,
        meeting_id,
        lambda: record.set_action_status(session, actor=actor, item_id=item_id, status=status),
        N_("Action item updated."),
    )
