"""Logging in: the password, the second factor (and enrolling one), logging out."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from nohaven.auth import login as login_step
from nohaven.auth import second_factor, service
from nohaven.auth.deps import DbSession, current_web_session
from nohaven.auth.models import WebSession
from nohaven.auth.oidc import service as oidc_service
from nohaven.config import AppSettings, Settings
from nohaven.errors import LoginRequired, NotAuthenticated
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.members.models import User
from nohaven.transactions import writes
from nohaven.web.cookies import SESSION_COOKIE, signer
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(value: str | None) -> str:
    """Only same-site paths: an open redirect would make a fine phishing aid."""
    if not value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return "/"
    return value


def client_address(request: Request) -> str:
    """The address login throttling counts: the peer, or the client a trusted proxy names
    (uvicorn rewrites the peer from X-Forwarded-For only for NOHAVEN_TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    settings: Settings = request.app.state.settings
    response.set_cookie(
        SESSION_COOKIE,
        signer(request, "session").dumps(token),
        httponly=True,
        samesite="lax",
        secure=settings.secure_transport,
        max_age=settings.session_hours * 3600,
        path="/",
    )


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/login")
def login_page(request: Request, session: DbSession, next: str = "/") -> Response:
    return render(
        request,
        "login.html",
        {
            "title": _("Log in"),
            "next": _safe_next(next),
            # Organisations whose people sign in through their own OpenID provider.
            "providers": oidc_service.enabled_providers(session),
        },
    )


@router.post("/login")
def login(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    target = _safe_next(next)

    def log_in() -> tuple[str, service.OpenedSession]:
        user = login_step.check_password(
            session,
            email=email,
            password=password,
            source=client_address(request),
            settings=settings,
        )
        if user.totp_enabled_at is not None:
            half = service.open_session(
                session, user=user, mfa_verified=False, hours=settings.session_hours
            )
            return f"/login/totp?next={target}", half
        if service.mfa_required(user, required_kinds=settings.mfa_required_kinds):
            half = service.open_session(
                session, user=user, mfa_verified=False, hours=settings.session_hours
            )
            return f"/account/totp?next={target}", half
        return target, service.open_session(
            session, user=user, mfa_verified=True, hours=settings.session_hours
        )

    return form_action(
        request,
        session,
        log_in,
        refused=lambda refusal: render(
            request,
            "login.html",
            {"title": _("Log in"), "next": target, "email": email, "error": refusal.message},
            status_code=refusal.status_code,
        ),
        redirect=lambda done: done[0],
        finish=lambda done, response: _set_session_cookie(request, response, done[1].token),
    )


def _half_session(request: Request, session: DbSession) -> WebSession:
    web = current_web_session(request, session)
    if web is None:
        raise LoginRequired(N_("Please log in."))
    return web


HalfSession = Annotated[WebSession, Depends(_half_session)]


@router.get("/login/totp")
def totp_page(request: Request, web: HalfSession, next: str = "/") -> Response:
    if web.mfa_verified:
        return _redirect(_safe_next(next))
    return render(
        request, "login_totp.html", {"title": _("Second factor"), "next": _safe_next(next)}
    )


@router.post("/login/totp")
def totp_verify(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    web: HalfSession,
    code: Annotated[str, Form(max_length=40)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    target = _safe_next(next)
    if web.mfa_verified:
        return _redirect(target)
    user = web.user

    def verify() -> service.OpenedSession:
        if user.totp_enabled_at is None or not second_factor.verify_second_factor(
            session, user=user, code=code, settings=settings
        ):
            raise NotAuthenticated(N_("That code is not right."))
        return service.complete_second_factor(
            session, web=web, user=user, hours=settings.session_hours
        )

    return form_action(
        request,
        session,
        verify,
        refused=lambda refusal: render(
            request,
            "login_totp.html",
            {"title": _("Second factor"), "next": target, "error": refusal.message},
            status_code=refusal.status_code,
        ),
        redirect=target,
        finish=lambda opened, response: _set_session_cookie(request, response, opened.token),
    )


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: str = image.to_string(encoding="unicode")
    return svg


def _enrol_page(
    request: Request,
    session: Session,
    settings: Settings,
    user: User,
    target: str,
    **extra: object,
) -> Response:
    # The secret shown when the page was opened, until it is confirmed.
    secret = second_factor.totp_secret(
        user, settings=settings
    ) or second_factor.begin_totp_enrolment(session, user=user, settings=settings)
    status = int(str(extra.pop("status_code", 200)))
    return render(
        request,
        "enrol_totp.html",
        {
            "title": _("Second factor"),
            "secret": secret,
            "next": target,
            "qr_svg": _qr_svg(second_factor.provisioning_uri(user, secret)),
            "required": service.mfa_required(user, required_kinds=settings.mfa_required_kinds),
            **extra,
        },
        status_code=status,
    )


@router.get("/account/totp")
@writes  # records an audited read
def enrol_page(
    request: Request, session: DbSession, settings: AppSettings, web: HalfSession, next: str = "/"
) -> Response:
    if web.user.totp_enabled_at is not None:
        return _redirect(_safe_next(next))
    return _enrol_page(request, session, settings, web.user, _safe_next(next))


@router.post("/account/totp")
def enrol(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    web: HalfSession,
    code: Annotated[str, Form(max_length=40)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    user = web.user
    target = _safe_next(next)

    def confirm() -> tuple[list[str], service.OpenedSession]:
        codes = second_factor.confirm_totp_enrolment(
            session, user=user, code=code, settings=settings
        )
        return codes, service.complete_second_factor(
            session, web=web, user=user, hours=settings.session_hours
        )

    def show_codes(done: tuple[list[str], service.OpenedSession]) -> Response:
        codes, opened = done
        request.state.csrf_seed = "s:" + opened.token
        return render(
            request,
            "recovery_codes.html",
            {"title": _("Recovery codes"), "codes": codes, "next": target},
        )

    return form_action(
        request,
        session,
        confirm,
        refused=lambda refusal: _enrol_page(
            request,
            session,
            settings,
            user,
            target,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        show=show_codes,  # recovery codes are shown once, never carried in a cookie
        finish=lambda done, response: _set_session_cookie(request, response, done[1].token),
    )


@router.post("/logout")
def logout(request: Request, session: DbSession) -> Response:
    web = current_web_session(request, session)

    def log_out() -> None:
        if web is not None:
            service.close_session(session, web=web)

    def forget_cookie(_done: None, response: Response) -> None:
        settings: Settings = request.app.state.settings
        response.delete_cookie(
            SESSION_COOKIE,
            path="/",
            secure=settings.secure_transport,
            httponly=True,
            samesite="lax",
        )

    return form_action(request, session, log_out, redirect="/login", finish=forget_cookie)
