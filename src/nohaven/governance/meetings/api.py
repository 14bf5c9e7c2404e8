"""JSON API for meetings, agendas, minutes and action items."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import Response

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.governance.bodies.service import body_by_ref
from nohaven.governance.meetings import ics, record, service
from nohaven.governance.meetings.schemas import (
    ActionItemCreate,
    ActionItemRead,
    ActionStatusUpdate,
    AgendaDecision,
    AgendaItemCreate,
    AgendaItemRead,
    AttendanceUpdate,
    Cadence,
    DecisionIn,
    DecisionRead,
    InitiativeIn,
    InitiativeRead,
    MeetingCreate,
    MeetingRead,
    MeetingReschedule,
    MinutesUpdate,
)

router = APIRouter(tags=["governance"])


@router.get("/governance/bodies/{body}/cadence", response_model=Cadence)
def cadence(body: str, session: DbSession, actor: ApiActor, count: int = 2) -> Cadence:
    found = body_by_ref(session, body)
    return Cadence(
        body_id=found.id,
        meetings_per_year=found.meetings_per_year,
        proposed_dates=service.cadence(session, actor=actor, body=found, count=count),
    )


@router.get("/meetings", response_model=list[MeetingRead])
def list_meetings(
    session: DbSession, actor: ApiActor, body: str | None = None
) -> list[MeetingRead]:
    body_id = body_by_ref(session, body).id if body else None
    return [
        MeetingRead.model_validate(m)
        for m in service.list_meetings(session, actor=actor, body_id=body_id)
    ]


@router.post("/meetings", response_model=MeetingRead, status_code=status.HTTP_201_CREATED)
def schedule(data: MeetingCreate, session: DbSession, actor: ApiActor) -> MeetingRead:
    found = body_by_ref(session, data.body)
    meeting = service.schedule_meeting(
        session,
        actor=actor,
        body_id=found.id,
        title=data.title,
        starts_at=data.starts_at,
        duration_minutes=data.duration_minutes,
        timezone=data.timezone,
        location=data.location,
        online_url=data.online_url,
    )
    return MeetingRead.model_validate(meeting)


@router.get("/meetings/{meeting_id}", response_model=MeetingRead)
def get_meeting(meeting_id: str, session: DbSession, actor: ApiActor) -> MeetingRead:
    return MeetingRead.model_validate(
        service.get_meeting(session, actor=actor, meeting_id=meeting_id)
    )


@router.post("/meetings/{meeting_id}/reschedule", response_model=MeetingRead)
def reschedule(
    meeting_id: str, data: MeetingReschedule, session: DbSession, actor: ApiActor
) -> MeetingRead:
    """Move a scheduled meeting; every delegate's calendar gets the update (SEQUENCE + 1)."""
    return MeetingRead.model_validate(
        service.reschedule_meeting(
            session,
            actor=actor,
            meeting_id=meeting_id,
            starts_at=data.starts_at,
            duration_minutes=data.duration_minutes,
            location=data.location,
        )
    )


@router.post("/meetings/{meeting_id}/cancel", response_model=MeetingRead)
def cancel(meeting_id: str, session: DbSession, actor: ApiActor) -> MeetingRead:
    return MeetingRead.model_validate(
        service.cancel_meeting(session, actor=actor, meeting_id=meeting_id)
    )


@router.get("/meetings/{meeting_id}/calendar.ics")
def calendar(meeting_id: str, request: Request, session: DbSession, actor: ApiActor) -> Response:
    meeting = service.get_meeting(session, actor=actor, meeting_id=meeting_id)
    text = ics.meeting_ics(
        meeting,
        body_name=body_by_ref(session, meeting.body_id).name,
        agenda=service.agenda(session, meeting=meeting),
        host=request.url.hostname or "nohaven",
    )
    return Response(text.encode("utf-8"), media_type="text/calendar; charset=utf-8")


@router.get("/meetings/{meeting_id}/agenda", response_model=list[AgendaItemRead])
def agenda(meeting_id: str, session: DbSession, actor: ApiActor) -> list[AgendaItemRead]:
    meeting = service.get_meeting(session, actor=actor, meeting_id=meeting_id)
    return [AgendaItemRead.model_validate(i) for i in service.agenda(session, meeting=meeting)]


@router.post(
    "/meetings/{meeting_id}/agenda",
    response_model=AgendaItemRead,
    status_code=status.HTTP_201_CREATED,
)
def propose(
    meeting_id: str, data: AgendaItemCreate, session: DbSession, actor: ApiActor
) -> AgendaItemRead:
    item = service.propose_agenda_item(
        session, actor=actor, meeting_id=meeting_id, title=data.title, description=data.description
    )
    return AgendaItemRead.model_validate(item)


@router.put("/agenda-items/{item_id}", response_model=AgendaItemRead)
def decide(
    item_id: str, data: AgendaDecision, session: DbSession, actor: ApiActor
) -> AgendaItemRead:
    item = service.decide_agenda_item(
        session, actor=actor, item_id=item_id, status=data.status, position=data.position
    )
    return AgendaItemRead.model_validate(item)


@router.put("/meetings/{meeting_id}/attendance", response_model=list[str])
def attendance(
    meeting_id: str, data: AttendanceUpdate, session: DbSession, actor: ApiActor
) -> list[str]:
    rows = record.record_attendance(
        session, actor=actor, meeting_id=meeting_id, organisation_ids=data.organisation_ids
    )
    return [r.organisation_id for r in rows]


@router.put("/meetings/{meeting_id}/minutes", response_model=MeetingRead)
def minutes(
    meeting_id: str, data: MinutesUpdate, session: DbSession, actor: ApiActor
) -> MeetingRead:
    return MeetingRead.model_validate(
        record.update_minutes(
            session, actor=actor, meeting_id=meeting_id, status=data.status, text=data.text
        )
    )


@router.get("/meetings/{meeting_id}/actions", response_model=dict[str, list[ActionItemRead]])
def actions(
    meeting_id: str, session: DbSession, actor: ApiActor
) -> dict[str, list[ActionItemRead]]:
    meeting = service.get_meeting(session, actor=actor, meeting_id=meeting_id)
    found = record.action_items(session, meeting=meeting)
    return {
        "raised": [ActionItemRead.model_validate(a) for a in found.raised],
        "carried_over": [ActionItemRead.model_validate(a) for a in found.carried_over],
    }


@router.post(
    "/meetings/{meeting_id}/actions",
    response_model=ActionItemRead,
    status_code=status.HTTP_201_CREATED,
)
def add_action(
    meeting_id: str, data: ActionItemCreate, session: DbSession, actor: ApiActor
) -> ActionItemRead:
    item = record.add_action_item(
        session,
        actor=actor,
        meeting_id=meeting_id,
        text=data.text,
        owner_id=data.owner_id,
        due_date=data.due_date,
    )
    return ActionItemRead.model_validate(item)


@router.put("/action-items/{item_id}", response_model=ActionItemRead)
def action_status(
    item_id: str, data: ActionStatusUpdate, session: DbSession, actor: ApiActor
) -> ActionItemRead:
    return ActionItemRead.model_validate(
        record.set_action_status(session, actor=actor, item_id=item_id, status=data.status)
    )


@router.get("/governance/bodies/{body}/initiatives", response_model=list[InitiativeRead])
def list_initiatives(body: str, session: DbSession, actor: ApiActor) -> list[InitiativeRead]:
    found = body_by_ref(session, body)
    return [
        InitiativeRead(
            id=i.id, organisation_id=i.organisation_id, name=i.organisation.name, since=i.since
        )
        for i in service.initiatives(session, actor=actor, body_id=found.id)
    ]


@router.post(
    "/governance/bodies/{body}/initiatives",
    response_model=InitiativeRead,
    status_code=status.HTTP_201_CREATED,
)
def register_initiative(
    body: str, data: InitiativeIn, session: DbSession, actor: ApiActor
) -> InitiativeRead:
    found = body_by_ref(session, body)
    row = service.register_initiative(
        session, actor=actor, body_id=found.id, organisation_id=data.organisation_id
    )
    return InitiativeRead(
        id=row.id, organisation_id=row.organisation_id, name=row.organisation.name, since=row.since
    )


@router.get("/meetings/{meeting_id}/decisions", response_model=list[DecisionRead])
def list_decisions(meeting_id: str, session: DbSession, actor: ApiActor) -> list[DecisionRead]:
    meeting = service.get_meeting(session, actor=actor, meeting_id=meeting_id)
    return [
        DecisionRead(id=d.id, text=d.text, motion_id=d.motion_id)
        for d in record.decisions(session, meeting=meeting)
    ]


@router.post(
    "/meetings/{meeting_id}/decisions",
    response_model=DecisionRead,
    status_code=status.HTTP_201_CREATED,
)
def add_decision(
    meeting_id: str, data: DecisionIn, session: DbSession, actor: ApiActor
) -> DecisionRead:
    d = record.add_decision(
        session, actor=actor, meeting_id=meeting_id, text=data.text, motion_id=data.motion_id
    )
    return DecisionRead(id=d.id, text=d.text, motion_id=d.motion_id)
