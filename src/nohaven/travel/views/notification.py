"""One travel notification: the receiver acknowledges and responds; the sender sees
receipts, withdraws and resolves complaints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.config import app_settings
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.transactions import writes
from nohaven.travel import complaints, corrections, present, receiving, service
from nohaven.travel.models import ResponseKind
from nohaven.travel.schemas import (
    ComplaintIn,
    ComplaintResolution,
    NotificationRead,
    ResponseIn,
    Withdrawal,
)
from nohaven.travel.views.forms import FIELD
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)


def _detail(
    request: Request,
    session: DbSession,
    actor: WebActor,
    notification_id: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    found = service.get_notification(session, actor=actor, notification_id=notification_id)
    shown: NotificationRead = present.detail(
        session,
        actor=actor,
        notification=found,
        ack_hours=app_settings(request).travel_ack_hours,
    )
    is_sender = shown.direction == "sent"
    mine = next((r for r in shown.recipients if r.organisation_id == actor.organisation_id), None)
    if request.query_params.get("late") and shown.is_late and "notice" not in extra:
        extra["notice"] = _(
            "Sent. It left less than 48 hours before departure and is flagged as late."
        )
    elif request.query_params.get("sent") and "notice" not in extra:
        extra["notice"] = _("Sent.")
    return render(
        request,
        "travel/detail.html",
        {
            "title": _("Travel notification"),
            "n": shown,
            "is_sender": is_sender,
            "mine": mine,
            "may_amend": is_sender and can(actor, Action.UPDATE, found) and found.is_open,
            "may_respond": mine is not None and can(actor, Action.RESPOND, found),
            "may_resolve": is_sender and can(actor, Action.MANAGE, found),
            "responses": list(ResponseKind),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/travel/{notification_id}")
@writes  # records an audited read
def detail(request: Request, session: DbSession, actor: WebActor, notification_id: str) -> Response:
    return _detail(request, session, actor, notification_id)


@router.post("/travel/{notification_id}/acknowledge")
def acknowledge(
    request: Request, session: DbSession, actor: WebActor, notification_id: str
) -> Response:
    return _act(
        request,
        session,
        actor,
        notification_id,
        lambda: receiving.acknowledge(session, actor=actor, notification_id=notification_id),
        N_("Receipt acknowledged."),
    )


@router.post("/travel/{notification_id}/respond")
def respond(
    request: Request,
    session: DbSession,
    actor: WebActor,
    notification_id: str,
    response: Annotated[str, Form(max_length=FIELD)] = "",
    note: Annotated[str, Form(max_length=FIELD)] = "",
) -> Response:
    return _act(
        request,
        session,
        actor,
        notification_id,
        lambda: receiving.respond(
            session,
            actor=actor,
            notification_id=notification_id,
            data=ResponseIn.model_validate({"response": response, "note": note}),
        ),
        N_("Response recorded."),
    )


@router.post("/travel/{notification_id}/withdraw")
def withdraw(
    request: Request,
    session: DbSession,
    actor: WebActor,
    notification_id: str,
    reason: Annotated[str, Form(max_length=FIELD)] = "",
) -> Response:
    return _act(
        request,
        session,
        actor,
        notification_id,
        lambda: corrections.withdraw(
            session,
            actor=actor,
            notification_id=notification_id,
            data=Withdrawal.model_validate({"reason": reason}),
        ),
        N_("Notification withdrawn."),
    )


@router.post("/travel/{notification_id}/complaints")
def lodge_complaint(
    request: Request,
    session: DbSession,
    actor: WebActor,
    notification_id: str,
    source: Annotated[str, Form(max_length=FIELD)] = "",
    grounds: Annotated[str, Form(max_length=FIELD)] = "",
) -> Response:
    return _act(
        request,
        session,
        actor,
        notification_id,
        lambda: complaints.lodge_complaint(
            session,
            actor=actor,
            notification_id=notification_id,
            data=ComplaintIn.model_validate({"source": source, "grounds": grounds}),
        ),
        N_("Complaint lodged."),
    )


@router.post("/travel/{notification_id}/complaints/{complaint_id}/resolve")
def resolve_complaint(
    request: Request,
    session: DbSession,
    actor: WebActor,
    notification_id: str,
    complaint_id: str,
    outcome: Annotated[str, Form(max_length=FIELD)] = "",
    reasons: Annotated[str, Form(max_length=FIELD)] = "",
) -> Response:
    return _act(
        request,
        session,
        actor,
        notification_id,
        lambda: complaints.resolve_complaint(
            session,
            actor=actor,
            notification_id=notification_id,
            complaint_id=complaint_id,
            data=ComplaintResolution.model_validate({"outcome": outcome, "reasons": reasons}),
        ),
        N_("Complaint resolved."),
    )


def _act(
    request: Request,
    session: DbSession,
    actor: WebActor,
    notification_id: str,
    action: Callable[[], object],
    done: str,
) -> Response:
    """Run one action; refused, the page again with the message and a 4xx (a notification the
    actor may not see stays a 404 page: showing it again reads it and is refused the same)."""
    return form_action(
        request,
        session,
        action,
        refused=lambda refusal: _detail(
            request,
            session,
            actor,
            notification_id,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        redirect=f"/travel/{quote(notification_id)}",
        flash=done,
    )
