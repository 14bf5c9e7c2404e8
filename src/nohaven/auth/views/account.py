"""A person's own API tokens and account: password and recovery codes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nohaven.auth import account, second_factor, service
from nohaven.auth.deps import DbSession, WebActor
from nohaven.config import AppSettings
from nohaven.kit import i18n
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)

# The roles as the account page names them (nohaven.members.models.UserRole), for the catalogue.
ROLE_NAMES = (
    N_("secretariat admin"),
    N_("org admin"),
    N_("analyst"),
    N_("delegate"),
    N_("observer"),
)


# --- API tokens -----------------------------------------------------------------------------


def _tokens_page(
    request: Request, session: DbSession, actor: WebActor, **extra: object
) -> Response:
    tokens = service.list_api_tokens(session, actor=actor)
    status = int(str(extra.pop("status_code", 200)))
    return render(
        request,
        "tokens.html",
        {"title": _("API tokens"), "tokens": tokens, **extra},
        status_code=status,
    )


@router.get("/tokens")
def tokens_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _tokens_page(request, session, actor)


@router.post("/tokens")
def create_token(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    actor: WebActor,
    name: Annotated[str, Form(max_length=100)],
    days: Annotated[int, Form(ge=1, le=3650)] = 90,
    scopes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    return form_action(
        request,
        session,
        lambda: service.create_api_token(
            session,
            actor=actor,
            name=name,
            scopes=scopes or [],
            days=days,
            max_days=settings.api_token_max_days,
        ),
        refused=lambda refusal: _tokens_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        # The secret is shown once, on this answer: never in a cookie or a URL.
        show=lambda issued: _tokens_page(
            request,
            session,
            actor,
            issued=issued.secret,
            notice=_("Token %(prefix)s created.") % {"prefix": issued.token.prefix},
        ),
    )


@router.post("/tokens/{token_id}/revoke")
def revoke_token(request: Request, session: DbSession, actor: WebActor, token_id: str) -> Response:
    return form_action(
        request,
        session,
        lambda: service.revoke_api_token(session, actor=actor, token_id=token_id),
        redirect="/tokens",
        flash=lambda token: _("Token %(prefix)s revoked.") % {"prefix": token.prefix},
    )


# --- the user's own account -----------------------------------------------------------------


def _account_page(
    request: Request, session: DbSession, *, status_code: int = 200, **extra: object
) -> Response:
    user = request.state.user
    return render(
        request,
        "account.html",
        {
            "title": _("Your account"),
            "user": user,
            "recovery_left": second_factor.remaining_recovery_codes(session, user=user),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/account")
def account_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _account_page(request, session)


@router.post("/account/password")
def change_password(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    actor: WebActor,
    current: Annotated[str, Form(max_length=1000)],
    new: Annotated[str, Form(max_length=1000)],
    again: Annotated[str, Form(max_length=1000)],
) -> Response:
    return form_action(
        request,
        session,
        lambda: account.change_password(
            session,
            user=request.state.user,
            current=current,
            new=new,
            again=again,
            keep_session_id=request.state.web_session.id,
            settings=settings,
        ),
        refused=lambda refusal: _account_page(
            request, session, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/account",
        flash=N_("Password changed; your other sessions ended."),
    )


@router.post("/account/language")
def choose_language(
    request: Request,
    session: DbSession,
    actor: WebActor,
    language: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    return form_action(
        request,
        session,
        lambda: account.choose_language(session, user=request.state.user, language=language),
        refused=lambda refusal: _account_page(
            request, session, error=refusal.message, status_code=refusal.status_code
        ),
        # The next page speaks the new language, and so does this message.
        redirect="/account",
        flash=lambda chosen: i18n.translations(chosen or i18n.current_language()).gettext(
            LANGUAGE_SAVED
        ),
    )


LANGUAGE_SAVED = N_("Language saved.")


@router.post("/account/recovery-codes")
def renew_recovery_codes(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    actor: WebActor,
    code: Annotated[str, Form(max_length=40)],
) -> Response:
    return form_action(
        request,
        session,
        lambda: account.renew_recovery_codes(
            session, user=request.state.user, code=code, settings=settings
        ),
        refused=lambda refusal: _account_page(
            request, session, error=refusal.message, status_code=refusal.status_code
        ),
        show=lambda codes: render(  # shown once, never carried in a cookie
            request,
            "recovery_codes.html",
            {"title": _("Recovery codes"), "codes": codes, "next": "/account"},
        ),
    )
