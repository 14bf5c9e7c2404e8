"""Pages to reset a forgotten password: ask for a link, then choose a new password through it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nohaven.auth import password_reset
from nohaven.auth.deps import DbSession
from nohaven.auth.views.login import client_address
from nohaven.config import AppSettings
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)

SENT = N_(
    "If an account has this address, a link to choose a new password is on its way to it. "
    "The link works once and for a short while."
)


@router.get("/password-reset")
def ask_page(request: Request) -> Response:
    return render(request, "password_reset_ask.html", {"title": _("Forgotten password")})


@router.post("/password-reset")
def ask(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    email: Annotated[str, Form(max_length=254)],
) -> Response:
    # The same answer for every address, known or not: it must not tell which have accounts.
    return form_action(
        request,
        session,
        lambda: password_reset.request_reset(
            session, email=email, source=client_address(request), settings=settings
        ),
        # Back to the form with the same flash for every address (POST/redirect/GET: a
        # reload asks for the page, it does not send a second link).
        redirect="/password-reset",
        flash=SENT,
    )


@router.get("/password-reset/{token}")
def choose_page(request: Request, session: DbSession, token: str) -> Response:
    valid = password_reset.link_is_valid(session, token=token)
    return render(
        request,
        "password_reset_choose.html",
        {
            "title": _("Choose a new password"),
            "valid": valid,
            "token": token,
            "error": None if valid else _(password_reset.INVALID_LINK),
        },
        status_code=200 if valid else 404,
    )


@router.post("/password-reset/{token}")
def choose(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    token: str,
    new: Annotated[str, Form(max_length=1000)],
    again: Annotated[str, Form(max_length=1000)],
) -> Response:
    return form_action(
        request,
        session,
        lambda: password_reset.complete_reset(
            session, token=token, new=new, again=again, settings=settings
        ),
        refused=lambda refusal: render(
            request,
            "password_reset_choose.html",
            {
                "title": _("Choose a new password"),
                "valid": True,
                "token": token,
                "error": refusal.message,
            },
            status_code=refusal.status_code,
        ),
        redirect="/login",
        flash=N_("Your password is changed. Log in with it."),
    )
