"""The dashboard (``/``): the person's to-dos, their organisation and seats, the bodies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from nohaven.auth.deps import DbSession, WebActor
from nohaven.dashboard import search as searching
from nohaven.dashboard import service
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import gettext as _
from nohaven.members import service as members
from nohaven.notifications import service as notifications
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard(request: Request, session: DbSession, actor: WebActor) -> Response:
    org = (
        members.get_organisation(session, actor=actor, organisation_id=actor.organisation_id)
        if actor.organisation_id
        else None
    )
    seats = members.seats_of_organisation(
        session, organisation_id=actor.organisation_id or "", on=utcnow().date()
    )
    return render(
        request,
        "dashboard.html",
        {
            "title": _("Dashboard"),
            "org": org,
            "seats": seats,
            "todos": service.todos(
                session,
                actor=actor,
                travel_ack_hours=request.app.state.settings.travel_ack_hours,
            ),
            "directory": members.directory(session, actor=actor),
            "unread": notifications.unread_count(session, actor=actor),
            "now": utcnow(),
        },
    )


@router.get("/search")
def search(
    request: Request,
    session: DbSession,
    actor: WebActor,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    found = searching.search(session, actor=actor, query=q)
    return render(
        request,
        "search.html",
        {"title": _("Search"), "query": q, "found": found, "too_short": 0 < len(q.strip()) < 2},
    )
