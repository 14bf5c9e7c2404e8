"""The inbox page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from nohaven.auth.deps import DbSession, WebActor
from nohaven.kit.i18n import N_
from nohaven.notifications import service
from nohaven.web.csrf import check_csrf
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

NAV: tuple[tuple[str, str], ...] = ((N_("Inbox"), "/inbox"),)


@router.get("/inbox")
def inbox_page(
    request: Request, session: DbSession, actor: WebActor, unread: bool = False
) -> Response:
    notices = service.inbox(session, actor=actor, unread_only=unread)
    return render(request, "inbox.html", {"title": "Inbox", "notices": notices, "unread": unread})


@router.post("/inbox/{notice_id}/read")
def mark_read(request: Request, session: DbSession, actor: WebActor, notice_id: str) -> Response:
    return form_action(
        request,
        session,
        lambda: service.mark_read(session, actor=actor, notice_id=notice_id),
        redirect=lambda notice: notice.link or "/inbox",
    )
