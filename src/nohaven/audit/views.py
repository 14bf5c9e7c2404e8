"""The audit log page: secretariat admins see everything, org admins their organisation."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from nohaven.audit import sealing, service
from nohaven.audit.models import AuditEntry
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.kit.i18n import N_, gettext
from nohaven.kit.paging import read_table
from nohaven.members import service as members_service
from nohaven.transactions import writes
from nohaven.web.csrf import check_csrf
from nohaven.web.nav import NavLink
from nohaven.web.templating import render

NAV: tuple[NavLink, ...] = (
    NavLink(N_("Audit log"), "/audit", "Administration", lambda a: can(a, Action.LIST, AuditEntry)),
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


@router.get("/audit")
@writes  # records an audited read
def audit_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    verify: bool = False,
) -> Response:
    view = read_table(request.url.path, request.query_params, service.AUDIT_TABLE)
    entries, view = service.page_of_entries(session, actor=actor, view=view)
    # Walking the whole chain costs a read of every entry: only when asked for.
    verification = sealing.verify(session) if verify and actor.is_secretariat else None
    return render(
        request,
        "audit.html",
        {
            "title": gettext("Audit log"),
            "entries": entries,
            "view": view,
            "people": members_service.people_names(session, (e.actor_user_id for e in entries)),
            "verification": verification,
            "as_dict": service.as_dict,
        },
    )
