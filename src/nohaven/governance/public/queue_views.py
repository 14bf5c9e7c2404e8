"""The secretariat's queue of contact messages: the list (open first by default), one message
with its state, marking it handled or open again, and a reply by e-mail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nohaven.auth.deps import DbSession, WebActor
from nohaven.governance.bodies.service import body_by_ref
from nohaven.governance.public import queue
from nohaven.governance.public import service as public
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.kit.paging import read_table
from nohaven.members import service as members
from nohaven.members.models import MembershipRole
from nohaven.transactions import writes
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter()


def works_the_queue(actor: Any) -> bool:
    """Whom the navigation shows the queue: the secretariat admins and a body's secretariat."""
    roles = getattr(actor, "body_roles", {}) or {}
    return bool(actor.is_secretariat or MembershipRole.SECRETARIAT in roles.values())


@router.get("/contact-messages")
@writes  # records an audited read
def queue_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    params = dict(request.query_params)
    params.setdefault("state", "open")  # the work to do first; "all" is an empty filter
    if params["state"] == "all":
        params["state"] = ""
    view = read_table(request.url.path, params, queue.CONTACT_TABLE)
    rows, view = queue.page_of_messages(session, actor=actor, view=view)
    return render(
        request,
        "governance/contact_queue.html",
        {
            "title": _("Contact messages"),
            "rows": rows,
            "view": view,
            "state": view.filter("state") or "all",
            "bodies": {b.id: b.name for b in members.list_bodies(session, actor=actor)},
        },
    )


def _message_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    message_id: str,
    *,
    status_code: int = 200,
    **extra: object,
) -> Response:
    row = public.read_contact_message(session, actor=actor, message_id=message_id)
    people = members.people_names(session, [row.handled_by_id])
    return render(
        request,
        "governance/contact_message.html",
        {
            "title": row.subject,
            "row": row,
            "body": body_by_ref(session, row.body_id),
            "handled_by": people.get(row.handled_by_id or ""),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/contact-messages/{message_id}")
@writes  # records an audited read
def contact_message(
    request: Request, session: DbSession, actor: WebActor, message_id: str
) -> Response:
    return _message_page(request, session, actor, message_id)


@router.post("/contact-messages/{message_id}/handled")
def mark_handled(
    request: Request,
    session: DbSession,
    actor: WebActor,
    message_id: str,
    handled: Annotated[bool, Form()],
) -> Response:
    return form_action(
        request,
        session,
        lambda: queue.set_handled(session, actor=actor, message_id=message_id, handled=handled),
        redirect="/contact-messages" if handled else f"/contact-messages/{message_id}",
        flash=N_("Marked as handled. It is under “Handled” if you need it again.")
        if handled
        else N_("Open again: the message is back in the queue."),
    )


@router.post("/contact-messages/{message_id}/reply")
def send_reply(
    request: Request,
    session: DbSession,
    actor: WebActor,
    message_id: str,
    text: Annotated[str, Form(max_length=queue.MAX_REPLY + 100)] = "",
) -> Response:
    return form_action(
        request,
        session,
        lambda: queue.reply(session, actor=actor, message_id=message_id, text=text),
        refused=lambda refusal: _message_page(
            request,
            session,
            actor,
            message_id,
            error=refusal.message,
            typed=text,
            status_code=refusal.status_code,
        ),
        redirect="/contact-messages",
        flash=N_("Reply queued for sending; the message is marked as handled."),
    )
