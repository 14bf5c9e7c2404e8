"""One operation, as its lead, a participant or an invitee sees it (its reading is audited),
and every form on it: phases and visibility, invitations and answers, the agency's own point
of contact, action days, briefings, referrals and the blind check, results, the statement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, Tlp, can
from nohaven.errors import InvalidInput
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.operations import flows, planning, present, referrals, results, service
from nohaven.operations.models import FOLLOW_UP, PHASE_ORDER, Phase, Referral
from nohaven.operations.rules import is_participant
from nohaven.operations.schemas import (
    ActionDayCreate,
    ActivityUpdate,
    BriefingCreate,
    ParticipantUpdate,
)
from nohaven.transactions import writes
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)
FIELD = 20_000
SHORT = 400
Short = Annotated[str, Form(max_length=SHORT)]
Long = Annotated[str, Form(max_length=FIELD)]


def _page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    activity_id: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    shown = present.detail(session, actor=actor, activity_id=activity_id)  # audited
    activity = service.visible(session, actor=actor, activity_id=activity_id)
    taking_part = is_participant(actor, activity)
    mine = next((p for p in shown.participants if p.organisation_id == actor.organisation_id), None)
    own_zone = mine.time_zone if mine else "UTC"
    names = {p.organisation_id: p.organisation_name for p in shown.participants}
    days = [
        (
            d,
            planning.local_time(d.starts_at, own_zone),
            [
                (p.organisation_name, planning.local_time(d.starts_at, p.time_zone))
                for p in shown.participants
                if p.status == "accepted"
            ],
        )
        for d in shown.action_days
    ]
    now = utcnow()
    sent_or_received = (
        [
            present.referral(r, now=now)
            for r in referrals.list_referrals(session, actor=actor, activity=activity)
        ]
        if taking_part and can(actor, Action.LIST, Referral)
        else []
    )
    return render(
        request,
        "operations/detail.html",
        {
            "title": _("Operation %(name)s") % {"name": shown.code_name}
            if shown.kind == "operation"
            else shown.title,
            "op": shown,
            "lead_name": names.get(shown.lead_organisation_id, ""),
            "names": names,
            "is_lead": can(actor, Action.MANAGE, activity),
            "may_answer": can(actor, Action.RESPOND, activity),
            "taking_part": taking_part,
            "mine": mine,
            "own_zone": own_zone,
            "days": days,
            "briefings": present.briefings(session, actor=actor, activity=activity)
            if taking_part
            else [],
            "referrals": sent_or_received,
            "receivers": [
                p
                for p in shown.participants
                if p.status == "accepted" and p.organisation_id != actor.organisation_id
            ],
            "results": results.summary(session, actor=actor, activity_id=activity.id)
            if taking_part
            else None,
            "labels": results.LABELS,
            "follow_up": FOLLOW_UP,
            "statement": flows.statement_state(session, statement_id=shown.statement_id),
            "invitable": service.invitable(session, activity=activity)
            if can(actor, Action.MANAGE, activity)
            else [],
            "phases": PHASE_ORDER,
            "tlps": list(Tlp),
            "check": extra.pop("check", None),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/operations/{activity_id}")
@writes  # records an audited read
def detail(request: Request, session: DbSession, actor: WebActor, activity_id: str) -> Response:
    return _page(request, session, actor, activity_id)


def act(
    request: Request,
    session: DbSession,
    actor: WebActor,
    activity_id: str,
    action: Callable[[], object],
    done: str | Callable[[Any], str],
    *,
    anchor: str = "",
) -> Response:
    """Run one form's action; refused, the page again with the reason and its 4xx (an
    operation the actor may not see stays a 404: showing it again is refused the same)."""
    return form_action(
        request,
        session,
        action,
        refused=lambda refusal: _page(
            request,
            session,
            actor,
            activity_id,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        redirect=f"/operations/{activity_id}{anchor}",
        flash=done,
    )


@router.post("/operations/{activity_id}/phase")
def set_phase(
    request: Request, session: DbSession, actor: WebActor, activity_id: str, phase: Short = ""
) -> Response:
    def run() -> object:
        if phase not in {p.value for p in Phase}:
            raise InvalidInput("Choose a phase.", errors=[{"field": "phase", "message": "?"}])
        return service.set_phase(session, actor=actor, activity_id=activity_id, phase=Phase(phase))

    return act(request, session, actor, activity_id, run, "Phase changed.")


@router.post("/operations/{activity_id}/settings")
def update(
    request: Request,
    session: DbSession,
    actor: WebActor,
    activity_id: str,
    status_note: Short = "",
    code_name_visible: Annotated[str, Form(max_length=8)] = "",
    published: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    data = {
        "status_note": status_note,
        "code_name_visible": bool(code_name_visible),
        "published": bool(published),
    }
    return act(
        request,
        session,
        actor,
        activity_id,
        lambda: service.update(
            session,
            actor=actor,
            activity_id=activity_id,
            data=ActivityUpdate.model_validate(data),
        ),
        N_("Saved."),
    )


@router.post("/operations/{activity_id}/invite")
def invite(
    request: Request,
    session: DbSession,
    actor: WebActor,
    activity_id: str,
    organisation_id: Short = "",
) -> Response:
    return act(
        request,
        session,
        actor,
        activity_id,
        lambda: service.invite(
            session, actor=actor, activity_id=activity_id, organisation_id=organisation_id
        ),
        N_("Invited."),
        anchor="#participants",
    )


@router.post("/operations/{activity_id}/answer")
def answer(
    request: Request, session: DbSession, actor: WebActor, activity_id: str, accept: Short = ""
) -> Response:
    yes = accept == "yes"
    if not yes:
        # Declining leaves the operation: nothing of it is shown any more.
        return form_action(
            request,
            session,
            lambda: service.answer(session, actor=actor, activity_id=activity_id, accept=False),
            refused=lambda r: _page(
                request, session, actor, activity_id, error=r.message, status_code=r.status_code
            ),
            redirect="/operations",
            flash=N_("Declined."),
        )
    return act(
        request,
        session,
        actor,
        activity_id,
        lambda: service.answer(session, actor=actor, activity_id=activity_id, accept=True),
        N_("Your agency takes part."),
    )


@router.post("/operations/{activity_id}/participant")
def update_participant(
    request: Request,
    session: DbSession,
    actor: WebActor,
    activity_id: str,
    time_zone: Short = "UTC",
    contact: Short = "",
) -> Response:
    return act(
        request,
        session,
        actor,
        activity_id,
        lambda: service.update_participant(
            session,
            actor=actor,
            activity_id=activity_id,
            data=ParticipantUpdate.model_validate({"time_zone": time_zone, "contact": contact}),
        ),
        N_("Point of contact saved."),
        anchor="#participants",
    )


@router.post("/operations/{activity_id}/action-days")
def add_action_day(
    request: Request,
    session: DbSession,
    actor: WebActor,
    activity_id: str,
    label: Short = "",
    starts_at: Short = "",
    hours: Short = "24",
) -> Response:
    # A datetime-local field carries no zone: the lead's page says the time is UTC.
    moment = f"{starts_at}:00+00:00" if len(starts_at) == 16 else starts_at
    return act(
        request,
        session,
        actor,
        activity_id,
        lambda: planning.add_action_day(
            session,
            actor=actor,
            activity_id=activity_id,
            data=ActionDayCreate.model_validate(
                {"label": label, "starts_at": moment, "hours": hours or "24"}
            ),
        ),
        N_("Action day set."),
        anchor="#action-days",
    )


@router.post("/operations/{activity_id}/briefings")
def add_briefing(
    request: Request,
    session: DbSession,
    actor: WebActor,
    activity_id: str,
    title: Short = "",
    tlp: Short = "TLP:RED",
    text: Long = "",
) -> Response:
    return act(
        request,
        session,
        actor,
        activity_id,
        lambda: planning.add_briefing(
            session,
            actor=actor,
            activity_id=activity_id,
            data=BriefingCreate.model_validate({"title": title, "tlp": tlp, "text": text}),
        ),
        N_("Briefing shared."),
        anchor="#briefings",
    )
