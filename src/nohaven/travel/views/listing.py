"""The travel list (sent and received) and the secretariat's points of contact."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.config import app_settings
from nohaven.errors import NohavenError
from nohaven.kit.i18n import country_name, gettext
from nohaven.kit.i18n import gettext as _
from nohaven.kit.paging import TableSpec, page_items, read_table
from nohaven.members import service as members_service
from nohaven.members.models import OrganisationKind
from nohaven.travel import present, routing, service
from nohaven.travel.models import PointOfContact, TravelNotification
from nohaven.travel.views.forms import country_choices
from nohaven.web.confirm import CONFIRMED, Confirmed, ask_first
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)


def _travel_table(prefix: str, *extra: str) -> TableSpec:
    """Received and sent notifications: two tables on one page, each with its own sort and
    pages (``r_page``, ``s_sort``…); both follow the page's destination and date filters."""
    sorts: dict[str, Any] = {
        "departure": lambda n: n.departs_on,
        "sent": lambda n: n.sent_at,
        "risk": lambda n: n.risk_tier,
        "status": lambda n: n.status,
    }
    if "from" in extra:
        sorts["from"] = lambda n: n.sender_organisation_name
    return TableSpec(sorts=sorts, default_sort="departure", page_size=25, prefix=prefix)


RECEIVED_TABLE = _travel_table("r_", "from")
SENT_TABLE = _travel_table("s_")


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
    ack_hours = app_settings(request).travel_ack_hours
    shown = present.summaries(session, actor=actor, found=found, ack_hours=ack_hours)
    contacts = routing.list_points_of_contact(session, actor=actor)
    manages = can(actor, Action.CREATE, PointOfContact)
    agencies = (
        members_service.list_organisations(
            session, actor=actor, kind=OrganisationKind.LAW_ENFORCEMENT.value
        )
        if manages
        else []
    )
    # Just removed a point of contact (remove_point_of_contact's redirect): offer it back.
    was = request.query_params.get("was", "")
    undo = next(
        (
            {"country": request.query_params.get("removed", "")[:3], "organisation": org}
            for org in agencies
            if org.id == was
        ),
        None,
    )
    # "/travel" also when the page answers a refused form (posted elsewhere).
    path, params = "/travel", request.query_params
    received, received_view = page_items(
        [n for n in shown if n.direction == "received"], read_table(path, params, RECEIVED_TABLE)
    )
    sent, sent_view = page_items(
        [n for n in shown if n.direction == "sent"], read_table(path, params, SENT_TABLE)
    )
    return render(
        request,
        "travel/index.html",
        {
            "title": _("Travel notifications"),
            "sent": sent,
            "received": received,
            "sent_view": sent_view,
            "received_view": received_view,
            "may_list": may_list,
            "may_send": can(actor, Action.CREATE, TravelNotification),
            "contacts": contacts,
            "manages": manages,
            "agencies": agencies,
            "countries": country_choices(),
            "query": query,
            "undo": undo,
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
    return form_action(
        request,
        session,
        lambda: routing.set_point_of_contact(
            session, actor=actor, country=country, organisation_id=organisation_id
        ),
        refused=lambda refusal: _index(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/travel",
        flash=lambda contact: (
            _("Point of contact for %(country)s set.") % {"country": country_name(contact.country)}
        ),
    )


@router.post("/travel/points-of-contact/{country}/remove")
def remove_point_of_contact(
    request: Request, session: DbSession, actor: WebActor, country: str, confirmed: Confirmed = ""
) -> Response:
    if confirmed != CONFIRMED:
        return ask_first(
            request,
            question=gettext(
                "Remove the point of contact for %(country)s? Notifications to it go nowhere "
                "until another is set."
            )
            % {"country": country_name(country)},
            button=gettext("Remove"),
            back="/travel",
        )

    return form_action(
        request,
        session,
        # The organisation it was comes back, for the page to offer the undo.
        lambda: routing.remove_point_of_contact(session, actor=actor, country=country),
        refused=lambda refusal: _index(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=lambda was: f"/travel?{urlencode({'removed': country, 'was': was})}",
        flash=gettext("Point of contact for %(country)s removed.")
        % {"country": country_name(country)},
    )
