"""The audit log page: secretariat admins see everything, org admins their organisation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from nohaven.audit import sealing, service
from nohaven.audit.models import AuditEntry
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.transactions import writes
from nohaven.web.csrf import check_csrf
from nohaven.web.nav import NavLink
from nohaven.web.templating import render

NAV: tuple[NavLink, ...] = (
    NavLink(N_("Audit log"), "/audit", "Administration", lambda a: can(a, Action.LIST, AuditEntry)),
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

PAGE = 100


@router.get("/audit")
@writes  # records an audited read
def audit_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    before: Annotated[int | None, Query(ge=1)] = None,
    action: Annotated[str | None, Query(max_length=80)] = None,
    verify: bool = False,
) -> Response:
    entries = service.list_entries(
        session, actor=actor, limit=PAGE, before_seq=before, action_prefix=action or None
    )
    # Walking the whole chain costs a read of every entry: only when asked for.
    verification = sealing.verify(session) if verify and actor.is_secretariat else None
    older = service.older_cursor(entries, PAGE)
    return render(
        request,
        "audit.html",
        {
            "title": _("Audit log"),
            "entries": entries,
            "older": older,
            "action": action or "",
            "verification": verification,
            "as_dict": service.as_dict,
        },
    )
