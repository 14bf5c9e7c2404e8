"""Pages of the travel domain: the list (sent and received), the sending form, one
notification (the receiver acknowledges and responds; the sender sees receipts, amends,
withdraws and resolves complaints), and the secretariat's points of contact.

Forms re-render with a 4xx status and a message on bad input. No JavaScript is needed: the
sending form has a fixed number of itinerary rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import pycountry
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, ValidationError

from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.errors import Forbidden, NohavenError
from nohaven.kit.clock import as_utc
from nohaven.members import service as members_service
from nohaven.members.models import OrganisationKind
from nohaven.transactions import writes
from nohaven.travel import present, service
from nohaven.travel.models import PointOfContact, ResponseKind, RiskTier, TravelNotification
from nohaven.travel.schemas import (
    ComplaintIn,
    ComplaintResolution,
    NotificationAmend,
    NotificationCreate,
    NotificationRead,
    ResponseIn,
    Withdrawal,
)
from nohaven.web.csrf import check_csrf
from nohaven.web.forms import validation_message
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

# (label, path) links this domain adds to the main navigation.
NAV: tuple[tuple[str, str], ...] = (("Travel notifications", "/travel"),)

LEG_ROWS = 4
_FIELD = 4000


def _countries() -> list[tuple[str, str]]:
    return sorted(
        (
            (str(c.alpha_2), str(getattr(c, "common_name", None) or c.name))
            for c in pycountry.countries
        ),
        key=lambda pair: pair[1],
    )


class LegRows(BaseModel):
    """A fixed number of itinerary rows; a row without a destination is ignored."""

    model_config = ConfigDict(extra="ignore")

    leg1_country: str = ""
    leg1_date: str = ""
    leg1_time: str = ""
    leg1_leaves: str = ""
    leg1_carrier: str = ""
    leg1_flight: str = ""
    leg2_country: str = ""
    leg2_date: str = ""
    leg2_time: str = ""
    leg2_leaves: str = ""
    leg2_carrier: str = ""
    leg2_flight: str = ""
    leg3_country: str = ""
    leg3_date: str = ""
    leg3_time: str = ""
    leg3_leaves: str = ""
    leg3_carrier: str = ""
    leg3_flight: str = ""
    leg4_country: str = ""
    leg4_date: str = ""
    leg4_time: str = ""
    leg4_leaves: str = ""
    leg4_carrier: str = ""
    leg4_flight: str = ""

    def row(self, i: int) -> dict[str, str]:
        return {
            key: str(getattr(self, f"leg{i}_{key}")).strip()[:_FIELD]
            for key in ("country", "date", "time", "leaves", "carrier", "flight")
        }

    def legs(self, *, keep_empty_country: bool = False) -> list[dict[str, Any]]:
        out = []
        for i in range(1, LEG_ROWS + 1):
            row = self.row(i)
            if not row["country"] and not keep_empty_country:
                continue
            if keep_empty_country and not (row["date"] or row["country"]):
                continue
            departs: str | None = None
            if row["date"]:
                departs = f"{row['date']}T{row['time'][:5] or '00:00'}:00+00:00"
            out.append(
                {
                    "destination_country": row["country"],
                    "departs_at": departs,
                    "leaves_on": row["leaves"] or None,
                    "carrier": row["carrier"] or None,
                    "flight_number": row["flight"] or None,
                }
            )
        return out


class SendForm(LegRows):
    name: str = ""
    date_of_birth: str = ""
    nationality: str = ""
    passport_number: str = ""
    conviction_summary: str = ""
    risk_tier: str = ""


class AmendForm(SendForm):
    reason: str = ""


# --- list and points of contact ---------------------------------------------------------


def _index(
    request: Request, session: DbSession, actor: WebActor, *, status_code: int = 200, **extra: Any
) -> Response:
    may_list = can(actor, Action.LIST, TravelNotification)
    query = {
        key: request.query_params.get(key, "")[:100]
        for key in ("destination", "departs_from", "departs_until")
    }
    try:
        where = service.leg_filter(**query)
    except NohavenError as exc:
        where = None
        extra.setdefault("error", exc.detail)
        status_code = 422
    found = service.list_notifications(session, actor=actor, where=where) if may_list else []
    shown = present.summaries(session, actor=actor, found=found)
    contacts = service.list_points_of_contact(session, actor=actor)
    manages = can(actor, Action.CREATE, PointOfContact)
    agencies = (
        members_service.list_organisations(
            session, actor=actor, kind=OrganisationKind.LAW_ENFORCEMENT.value
        )
        if manages
        else []
    )
    return render(
        request,
        "travel/index.html",
        {
            "title": "Travel notifications",
            "sent": [n for n in shown if n.direction == "sent"],
            "received": [n for n in shown if n.direction == "received"],
            "may_list": may_list,
            "may_send": can(actor, Action.CREATE, TravelNotification),
            "contacts": contacts,
            "manages": manages,
            "agencies": agencies,
            "countries": _countries(),
            "query": query,
            **extra,
        },
        status_code=status_code,
    )


@router.get("/travel")
def index(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _index(request, session, actor)


@router.post("/travel/points-of-contact")
def set_point_of_contact(
    request: Request,
    session: DbSession,
    actor: WebActor,
    country: Annotated[str, Form(max_length=100)] = "",
    organisation_id: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    try:
        contact = service.set_point_of_contact(
            session, actor=actor, country=country, organisation_id=organisation_id
        )
    except NohavenError as exc:
        return _index(request, session, actor, error=exc.detail, status_code=exc.status_code)
    return _index(request, session, actor, notice=f"Point of contact for {contact.country} set.")


@router.post("/travel/points-of-contact/{country}/remove")
def remove_point_of_contact(
    request: Request, session: DbSession, actor: WebActor, country: str
) -> Response:
    try:
        service.remove_point_of_contact(session, actor=actor, country=country)
    except NohavenError as exc:
        return _index(request, session, actor, error=exc.detail, status_code=exc.status_code)
    return _index(request, session, actor, notice=f"Point of contact for {country} removed.")


# --- sending --------------------------------------------------------------------------------


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
            "title": "New travel notification",
            "form": form or {},
            "rows": range(1, LEG_ROWS + 1),
            "countries": _countries(),
            "tiers": list(RiskTier),
            "contacts": service.list_points_of_contact(session, actor=actor),
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
    try:
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
        notification, warnings = service.create_notification(session, actor=actor, data=data)
    except ValidationError as exc:
        return _send_page(
            request, session, actor, form=values, error=validation_message(exc), status_code=422
        )
    except NohavenError as exc:
        return _send_page(
            request, session, actor, form=values, error=exc.detail, status_code=exc.status_code
        )
    suffix = "?late=1" if warnings else ""
    return RedirectResponse(f"/travel/{notification.id}{suffix}", status_code=303)


# --- one notification -----------------------------------------------------------------------


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
    shown: NotificationRead = present.detail(session, actor=actor, notification=found)
    is_sender = shown.direction == "sent"
    mine = next((r for r in shown.recipients if r.organisation_id == actor.organisation_id), None)
    if request.query_params.get("late") and shown.is_late and "notice" not in extra:
        extra["notice"] = (
            "Sent. It left less than 48 hours before departure and is flagged as late."
        )
    elif request.query_params.get("sent") and "notice" not in extra:
        extra["notice"] = "Sent."
    return render(
        request,
        "travel/detail.html",
        {
            "title": "Travel notification",
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
        lambda: service.acknowledge(session, actor=actor, notification_id=notification_id),
    )


@router.post("/travel/{notification_id}/respond")
def respond(
    request: Request,
    session: DbSession,
    actor: WebActor,
    notification_id: str,
    response: Annotated[str, Form(max_length=_FIELD)] = "",
    note: Annotated[str, Form(max_length=_FIELD)] = "",
) -> Response:
    return _act(
        request,
        session,
        actor,
        notification_id,
        lambda: service.respond(
            session,
            actor=actor,
            notification_id=notification_id,
            data=ResponseIn.model_validate({"response": response, "note": note}),
        ),
    )


@router.post("/travel/{notification_id}/withdraw")
def withdraw(
    request: Request,
    session: DbSession,
    actor: WebActor,
    notification_id: str,
    reason: Annotated[str, Form(max_length=_FIELD)] = "",
) -> Response:
    return _act(
        request,
        session,
        actor,
        notification_id,
        lambda: service.withdraw(
            session,
            actor=actor,
            notification_id=notification_id,
            data=Withdrawal.model_validate({"reason": reason}),
        ),
    )


@router.post("/travel/{notification_id}/complaints")
def lodge_complaint(
    request: Request,
    session: DbSession,
    actor: WebActor,
    notification_id: str,
    source: Annotated[str, Form(max_length=_FIELD)] = "",
    grounds: Annotated[str, Form(max_length=_FIELD)] = "",
) -> Response:
    return _act(
        request,
        session,
        actor,
        notification_id,
        lambda: service.lodge_complaint(
            session,
            actor=actor,
            notification_id=notification_id,
            data=ComplaintIn.model_validate({"source": source, "grounds": grounds}),
        ),
    )


@router.post("/travel/{notification_id}/complaints/{complaint_id}/resolve")
def resolve_complaint(
    request: Request,
    session: DbSession,
    actor: WebActor,
    notification_id: str,
    complaint_id: str,
    outcome: Annotated[str, Form(max_length=_FIELD)] = "",
    reasons: Annotated[str, Form(max_length=_FIELD)] = "",
) -> Response:
    return _act(
        request,
        session,
        actor,
        notification_id,
        lambda: service.resolve_complaint(
            session,
            actor=actor,
            notification_id=notification_id,
            complaint_id=complaint_id,
            data=ComplaintResolution.model_validate({"outcome": outcome, "reasons": reasons}),
        ),
    )


def _act(
    request: Request,
    session: DbSession,
    actor: WebActor,
    notification_id: str,
    action: Callable[[], object],
) -> Response:
    """Run one action; on bad input re-render the page with the message and a 4xx. A
    notification the actor may not see stays a 404 page."""
    try:
        action()
    except ValidationError as exc:
        return _detail(
            request, session, actor, notification_id, error=validation_message(exc), status_code=422
        )
    except NohavenError as exc:
        if exc.status_code == 404 and "travel notification" in exc.detail:
            raise
        return _detail(
            request, session, actor, notification_id, error=exc.detail, status_code=exc.status_code
        )
    return RedirectResponse(f"/travel/{notification_id}", status_code=303)


# --- amending -------------------------------------------------------------------------------


def _amend_values(shown: NotificationRead) -> dict[str, str]:
    values: dict[str, str] = {
        "conviction_summary": shown.conviction_summary or "",
        "risk_tier": shown.risk_tier,
    }
    if shown.subject:
        values |= {
            "name": shown.subject.name,
            "date_of_birth": shown.subject.date_of_birth.isoformat(),
            "nationality": shown.subject.nationality,
            "passport_number": shown.subject.passport_number,
        }
    for leg in shown.legs:
        if leg.departs_at is None:  # purged
            continue
        departs = as_utc(leg.departs_at)
        values |= {
            f"leg{leg.position}_country": leg.destination_country,
            f"leg{leg.position}_date": departs.date().isoformat(),
            f"leg{leg.position}_time": departs.strftime("%H:%M"),
            f"leg{leg.position}_leaves": leg.leaves_on.isoformat() if leg.leaves_on else "",
            f"leg{leg.position}_carrier": leg.carrier or "",
            f"leg{leg.position}_flight": leg.flight_number or "",
        }
    return values


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
    shown = present.detail(session, actor=actor, notification=found)
    return render(
        request,
        "travel/amend.html",
        {
            "title": "Amend travel notification",
            "n": shown,
            "form": form or _amend_values(shown),
            "countries": _countries(),
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
    try:
        legs = []
        for leg in form.legs():
            legs.append(
                {
                    "departs_at": leg["departs_at"],
                    "leaves_on": leg["leaves_on"],
                    "carrier": leg["carrier"],
                    "flight_number": leg["flight_number"],
                }
            )
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
        service.amend(session, actor=actor, notification_id=notification_id, data=data)
    except ValidationError as exc:
        return _amend_page(
            request,
            session,
            actor,
            notification_id,
            form=values,
            error=validation_message(exc),
            status_code=422,
        )
    except NohavenError as exc:
        if exc.status_code == 404:
            raise
        return _amend_page(
            request,
            session,
            actor,
            notification_id,
            form=values,
            error=exc.detail,
            status_code=exc.status_code,
        )
    return RedirectResponse(f"/travel/{notification_id}", status_code=303)
