"""Sending a travel notification and amending one already sent."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.config import app_settings
from nohaven.errors import Forbidden
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.transactions import writes
from nohaven.travel import corrections, present, routing, service
from nohaven.travel.models import RiskTier, TravelNotification
from nohaven.travel.schemas import NotificationAmend, NotificationCreate
from nohaven.travel.views.forms import LEG_ROWS, AmendForm, SendForm, amend_values, country_choices
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)


def _send_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    *,
    form: dict[str, str] | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    if not can(actor, Action.CREATE, TravelNotification):
        raise Forbidden("Only law-enforcement analysts send travel notifications.")
    return render(
        request,
        "travel/new.html",
        {
            "title": _("New travel notification"),
            "form": form or {},
            "rows": range(1, LEG_ROWS + 1),
            "countries": country_choices(),
            "tiers": list(RiskTier),
            "contacts": routing.list_points_of_contact(session, actor=actor),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/travel/new")
def new_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _send_page(request, session, actor)


@router.post("/travel/new")
def send(
    request: Request, session: DbSession, actor: WebActor, form: Annotated[SendForm, Form()]
) -> Response:
    values = form.model_dump()

    def send() -> tuple[TravelNotification, list[str]]:
        data = NotificationCreate.model_validate(
            {
                "subject": {
                    "name": form.name,
                    "date_of_birth": form.date_of_birth,
                    "nationality": form.nationality,
                    "passport_number": form.passport_number,
                },
                "conviction_summary": form.conviction_summary,
                "risk_tier": form.risk_tier,
                "legs": form.legs(),
            }
        )
        return service.create_notification(
            session,
            actor=actor,
            data=data,
            late_hours=app_settings(request).travel_late_hours,
        )

    return form_action(
        request,
        session,
        send,
        refused=lambda refusal: _send_page(
            request,
            session,
            actor,
            form=values,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        redirect=lambda sent: f"/travel/{sent[0].id}" + ("?late=1" if sent[1] else ""),
        flash=N_("Travel notification sent."),
    )


def _amend_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    notification_id: str,
    *,
    form: dict[str, str] | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    found = service.get_notification(session, actor=actor, notification_id=notification_id)
    if not can(actor, Action.UPDATE, found):
        raise Forbidden("Only an analyst of the sending agency amends a notification.")
    shown = present.detail(
        session,
        actor=actor,
        notification=found,
        ack_hours=app_settings(request).travel_ack_hours,
    )
    return render(
        request,
        "travel/amend.html",
        {
            "title": _("Amend travel notification"),
            "n": shown,
            "form": form or amend_values(shown),
            "countries": country_choices(),
            "tiers": list(RiskTier),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/travel/{notification_id}/amend")
@writes  # records an audited read
def amend_page(
    request: Request, session: DbSession, actor: WebActor, notification_id: str
) -> Response:
    return _amend_page(request, session, actor, notification_id)


@router.post("/travel/{notification_id}/amend")
def amend(
    request: Request,
    session: DbSession,
    actor: WebActor,
    notification_id: str,
    form: Annotated[AmendForm, Form()],
) -> Response:
    values = form.model_dump()

    def amend() -> None:
        legs = [
            {
                "departs_at": leg["departs_at"],
                "leaves_on": leg["leaves_on"],
                "carrier": leg["carrier"],
                "flight_number": leg["flight_number"],
            }
            for leg in form.legs()
        ]
        data = NotificationAmend.model_validate(
            {
                "reason": form.reason,
                "subject": {
                    "name": form.name or None,
                    "date_of_birth": form.date_of_birth or None,
                    "nationality": form.nationality or None,
                    "passport_number": form.passport_number or None,
                },
                "conviction_summary": form.conviction_summary or None,
                "risk_tier": form.risk_tier or None,
                "legs": legs or None,
            }
        )
        corrections.amend(session, actor=actor, notification_id=notification_id, data=data)

    # A notification the actor may not see is refused with 404, and showing the form again
    # reads it and answers 404 too: it stays indistinguishable from one that does not exist.
    return form_action(
        request,
        session,
        amend,
        refused=lambda refusal: _amend_page(
            request,
            session,
            actor,
            notification_id,
            form=values,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        redirect=f"/travel/{quote(notification_id)}",
        flash=N_("Notification amended."),
    )
