"""Pages of the auth domain: login with a second factor, enrolment, logout, API tokens."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from nohaven.auth import account, second_factor, service
from nohaven.auth import login as login_step
from nohaven.auth.deps import DbSession, WebActor, current_web_session
from nohaven.auth.models import WebSession
from nohaven.config import Settings
from nohaven.errors import LoginRequired, NohavenError
from nohaven.members.models import User
from nohaven.transactions import writes
from nohaven.web.cookies import SESSION_COOKIE, signer
from nohaven.web.csrf import check_csrf
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


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


def _enrolment_secret(session: Session, user: User) -> str:
    """The secret being enrolled: the one already shown, or a new one."""
    return second_factor.totp_secret(user) or second_factor.begin_totp_enrolment(session, user=user)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"title": "Log in", "next": _safe_next(next)})


@router.post("/login")
def login(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    target = _safe_next(next)
    try:
        user = login_step.check_password(
            session, email=email, password=password, source=client_address(request)
        )
    except NohavenError as exc:
        session.commit()  # keep the failure count and its audit entry
        return render(
            request,
            "login.html",
            {"title": "Log in", "next": target, "email": email, "error": exc.detail},
            status_code=exc.status_code,
        )
    if user.totp_enabled_at is not None:
        opened = service.open_session(session, user=user, mfa_verified=False)
        response = _redirect(f"/login/totp?next={target}")
    elif service.mfa_required(user):
        opened = service.open_session(session, user=user, mfa_verified=False)
        response = _redirect(f"/account/totp?next={target}")
    else:
        opened = service.open_session(session, user=user, mfa_verified=True)
        response = _redirect(target)
    _set_session_cookie(request, response, opened.token)
    return response


def _half_session(request: Request, session: DbSession) -> WebSession:
    web = current_web_session(request, session)
    if web is None:
        raise LoginRequired("Please log in.")
    return web


HalfSession = Annotated[WebSession, Depends(_half_session)]


@router.get("/login/totp")
def totp_page(request: Request, web: HalfSession, next: str = "/") -> Response:
    if web.mfa_verified:
        return _redirect(_safe_next(next))
    return render(request, "login_totp.html", {"title": "Second factor", "next": _safe_next(next)})


@router.post("/login/totp")
def totp_verify(
    request: Request,
    session: DbSession,
    web: HalfSession,
    code: Annotated[str, Form(max_length=40)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    target = _safe_next(next)
    if web.mfa_verified:
        return _redirect(target)
    user = web.user
    try:
        accepted = user.totp_enabled_at is not None and second_factor.verify_second_factor(
            session, user=user, code=code
        )
    except NohavenError as exc:  # paused after too many wrong codes
        return render(
            request,
            "login_totp.html",
            {"title": "Second factor", "next": target, "error": exc.detail},
            status_code=exc.status_code,
        )
    if not accepted:
        session.commit()  # keep the failure count and its audit entry
        return render(
            request,
            "login_totp.html",
            {"title": "Second factor", "next": target, "error": "That code is not right."},
            status_code=401,
        )
    opened = service.complete_second_factor(session, web=web, user=user)
    response = _redirect(target)
    _set_session_cookie(request, response, opened.token)
    return response


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: str = image.to_string(encoding="unicode")
    return svg


@router.get("/account/totp")
@writes  # records an audited read
def enrol_page(request: Request, session: DbSession, web: HalfSession, next: str = "/") -> Response:
    user = web.user
    if user.totp_enabled_at is not None:
        return _redirect(_safe_next(next))
    secret = second_factor.totp_secret(user) or second_factor.begin_totp_enrolment(
        session, user=user
    )
    return render(
        request,
        "enrol_totp.html",
        {
            "title": "Second factor",
            "secret": secret,
            "next": _safe_next(next),
            "qr_svg": _qr_svg(second_factor.provisioning_uri(user, secret)),
            "required": service.mfa_required(user),
        },
    )


@router.post("/account/totp")
def enrol(
    request: Request,
    session: DbSession,
    web: HalfSession,
    code: Annotated[str, Form(max_length=40)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    user = web.user
    target = _safe_next(next)
    try:
        codes = second_factor.confirm_totp_enrolment(session, user=user, code=code)
    except NohavenError as exc:
        secret = second_factor.totp_secret(user) or second_factor.begin_totp_enrolment(
            session, user=user
        )
        return render(
            request,
            "enrol_totp.html",
            {
                "title": "Second factor",
                "secret": secret,
                "next": target,
                "error": exc.detail,
                "qr_svg": _qr_svg(second_factor.provisioning_uri(user, secret)),
                "required": service.mfa_required(user),
            },
            status_code=exc.status_code,
        )
    opened = service.complete_second_factor(session, web=web, user=user)
    request.state.csrf_seed = "s:" + opened.token
    response = render(
        request, "recovery_codes.html", {"title": "Recovery codes", "codes": codes, "next": target}
    )
    _set_session_cookie(request, response, opened.token)
    return response


@router.post("/logout")
def logout(request: Request, session: DbSession) -> Response:
    web = current_web_session(request, session)
    if web is not None:
        service.close_session(session, web=web)
    response = _redirect("/login")
    settings: Settings = request.app.state.settings
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=settings.secure_transport, httponly=True, samesite="lax"
    )
    return response


# --- API tokens -----------------------------------------------------------------------------


def _tokens_page(
    request: Request, session: DbSession, actor: WebActor, **extra: object
) -> Response:
    tokens = service.list_api_tokens(session, actor=actor)
    status = int(str(extra.pop("status_code", 200)))
    return render(
        request,
        "tokens.html",
        {"title": "API tokens", "tokens": tokens, **extra},
        status_code=status,
    )


@router.get("/tokens")
def tokens_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _tokens_page(request, session, actor)


@router.post("/tokens")
def create_token(
    request: Request,
    session: DbSession,
    actor: WebActor,
    name: Annotated[str, Form(max_length=100)],
    days: Annotated[int, Form(ge=1, le=3650)] = 90,
    scopes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        issued = service.create_api_token(
            session, actor=actor, name=name, scopes=scopes or [], days=days
        )
    except NohavenError as exc:
        return _tokens_page(request, session, actor, error=exc.detail, status_code=exc.status_code)
    return _tokens_page(
        request,
        session,
        actor,
        issued=issued.secret,
        notice=f"Token {issued.token.prefix} created.",
    )


@router.post("/tokens/{token_id}/revoke")
def revoke_token(request: Request, session: DbSession, actor: WebActor, token_id: str) -> Response:
    token = service.revoke_api_token(session, actor=actor, token_id=token_id)
    return _tokens_page(request, session, actor, notice=f"Token {token.prefix} revoked.")


# --- the user's own account -----------------------------------------------------------------


def _account_page(
    request: Request, session: DbSession, *, status_code: int = 200, **extra: object
) -> Response:
    user = request.state.user
    return render(
        request,
        "account.html",
        {
            "title": "Your account",
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
    actor: WebActor,
    current: Annotated[str, Form(max_length=1000)],
    new: Annotated[str, Form(max_length=1000)],
    again: Annotated[str, Form(max_length=1000)],
) -> Response:
    try:
        account.change_password(
            session,
            user=request.state.user,
            current=current,
            new=new,
            again=again,
            keep_session_id=request.state.web_session.id,
        )
    except NohavenError as exc:
        session.commit()  # keep the audit of a failed second-factor attempt, if any
        return _account_page(request, session, error=exc.detail, status_code=exc.status_code)
    return _account_page(request, session, notice="Password changed; your other sessions ended.")


@router.post("/account/recovery-codes")
def renew_recovery_codes(
    request: Request, session: DbSession, actor: WebActor, code: Annotated[str, Form(max_length=40)]
) -> Response:
    try:
        codes = account.renew_recovery_codes(session, user=request.state.user, code=code)
    except NohavenError as exc:
        session.commit()  # the failed attempt counts towards the lockout
        return _account_page(request, session, error=exc.detail, status_code=exc.status_code)
    return render(
        request,
        "recovery_codes.html",
        {"title": "Recovery codes", "codes": codes, "next": "/account"},
    )
