"""The inbox pages: the organisation's notices grouped by kind, one notice, a person's
preferences, and the secretariat's view of e-mail that could not be delivered."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from nohaven.auth.deps import DbSession, WebActor
from nohaven.kit.i18n import N_, gettext, ngettext
from nohaven.kit.i18n import gettext as _
from nohaven.kit.paging import read_table
from nohaven.members.models import UserRole
from nohaven.notifications import addressing, outbox_admin, preferences, service
from nohaven.notifications.kinds import AREAS, kind_of
from nohaven.notifications.models import Delivery
from nohaven.web.csrf import check_csrf
from nohaven.web.forms import form_action
from nohaven.web.nav import NavLink
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

NAV: tuple[NavLink, ...] = (NavLink(N_("Inbox"), "/inbox", "Alliance"),)

DELIVERY_WORDS = {
    Delivery.IMMEDIATE: N_("At once by e-mail"),
    Delivery.DIGEST: N_("In a daily digest"),
    Delivery.INBOX: N_("Only in the inbox"),
}


@router.get("/inbox")
def inbox_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    unread: bool = False,
    mine: bool = False,
    kind: str = "",
) -> Response:
    if kind:  # one kind's notices: all of them, a page at a time
        view = read_table(request.url.path, request.query_params, service.NOTICE_TABLE)
        page, view = service.page_of_notices(session, actor=actor, view=view)
        return render(
            request,
            "notifications/inbox_kind.html",
            {
                "title": gettext("Inbox"),
                "notices": page,
                "view": view,
                "kind_label": kind_of(kind).summary(view.total),
                "for_me": service.addressed_to(
                    session, actor=actor, notice_ids=[n.id for n in page]
                ),
            },
        )
    notices = service.inbox(session, actor=actor, unread_only=unread, mine_only=mine)
    groups = service.grouped(notices)
    for_me = service.addressed_to(session, actor=actor, notice_ids=[n.id for n in notices])
    return render(
        request,
        "notifications/inbox.html",
        {
            "title": _("Inbox"),
            "groups": groups,
            "for_me": for_me,
            "unread": unread,
            "mine": mine,
            "kind": kind,
            "unread_total": sum(g.unread for g in groups),
        },
    )


@router.get("/inbox/{notice_id}")
def notice_page(request: Request, session: DbSession, actor: WebActor, notice_id: str) -> Response:
    notice = service.get_notice(session, actor=actor, notice_id=notice_id)
    return render(
        request,
        "notifications/notice.html",
        {"title": _(kind_of(notice.kind).label), "notice": notice, "kind": kind_of(notice.kind)},
    )


@router.post("/inbox/read-all")
def mark_all_read(
    request: Request, session: DbSession, actor: WebActor, kind: Annotated[str, Form()] = ""
) -> Response:
    return form_action(
        request,
        session,
        lambda: service.mark_all_read(session, actor=actor, kind=kind or None),
        redirect="/inbox",
        flash=lambda count: (
            ngettext("%(count)d notice marked read.", "%(count)d notices marked read.", count)
            % {"count": count}
        ),
    )


@router.post("/inbox/{notice_id}/read")
def mark_read(request: Request, session: DbSession, actor: WebActor, notice_id: str) -> Response:
    return form_action(
        request,
        session,
        lambda: service.mark_read(session, actor=actor, notice_id=notice_id),
        redirect=lambda notice: notice.link or "/inbox",
    )


@router.get("/account/notices")
def preferences_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    admin = actor.organisation_id is not None and actor.has(UserRole.ORG_ADMIN)
    return render(
        request,
        "notifications/preferences.html",
        {
            "title": _("Notices"),
            "choices": preferences.choices(session, actor=actor),
            "deliveries": DELIVERY_WORDS,
            "areas": AREAS,
            # An organisation's admin names its designated contacts here.
            "contacts": (
                service.contacts(session, organisation_id=actor.organisation_id)
                if admin and actor.organisation_id
                else None
            ),
            "colleagues": (
                addressing.active_users(session, actor.organisation_id)
                if admin and actor.organisation_id
                else []
            ),
        },
    )


@router.post("/account/notices/contacts")
def designate(
    request: Request,
    session: DbSession,
    actor: WebActor,
    area: Annotated[str, Form(max_length=40)],
    user_id: Annotated[str, Form(max_length=32)],
    remove: Annotated[bool, Form()] = False,
) -> Response:
    organisation_id = actor.organisation_id or ""

    def act() -> None:
        if remove:
            service.undesignate(
                session, actor=actor, organisation_id=organisation_id, area=area, user_id=user_id
            )
        else:
            service.designate(
                session, actor=actor, organisation_id=organisation_id, area=area, user_id=user_id
            )

    return form_action(
        request,
        session,
        act,
        redirect="/account/notices",
        flash=N_("Designated contacts updated."),
    )


async def _posted_form(request: Request) -> FormData:
    # Parsed on the event loop (the CSRF check has usually read it already), so the endpoint
    # stays a plain ``def`` in a worker thread.
    return await request.form()


@router.post("/account/notices")
def save_preferences(
    request: Request,
    session: DbSession,
    actor: WebActor,
    form: Annotated[FormData, Depends(_posted_form)],
) -> Response:
    wanted = {
        key.removeprefix("kind:"): str(value)
        for key, value in form.items()
        if key.startswith("kind:")
    }
    return form_action(
        request,
        session,
        lambda: preferences.set_choices(session, actor=actor, wanted=wanted),
        redirect="/account/notices",
        flash=N_("Your notice preferences are saved."),
    )


@router.get("/secretariat/mail")
def mail_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    view = outbox_admin.overview(session, actor=actor)
    return render(request, "notifications/mail.html", {"title": _("E-mail delivery"), "view": view})


@router.post("/secretariat/mail/{message_id}/retry")
def retry(request: Request, session: DbSession, actor: WebActor, message_id: str) -> Response:
    return form_action(
        request,
        session,
        lambda: outbox_admin.retry(session, actor=actor, message_id=message_id),
        redirect="/secretariat/mail",
        flash=N_("The message will be sent again at the next run."),
    )


# Mail states and attempt outcomes as the mail page names them (through `translated`).
STATE_NAMES = (N_("pending"), N_("sent"), N_("bounced"), N_("failed"))
