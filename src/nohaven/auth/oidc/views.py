"""The two legs of signing in through an organisation's provider: leaving for it, and coming
back with a code. The second leg is a GET that writes (it opens a session, and may make or
update the account), declared with ``writes``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from nohaven.auth import service as auth_service
from nohaven.auth.deps import DbSession
from nohaven.auth.oidc import flow, outbound, service
from nohaven.auth.oidc.models import OidcProvider
from nohaven.auth.views.login import _safe_next, _set_session_cookie
from nohaven.config import AppSettings, Settings
from nohaven.errors import NohavenError, NotAuthenticated
from nohaven.keys.ring import data_keyring
from nohaven.kit.i18n import gettext as _
from nohaven.transactions import writes
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)

FLOW_COOKIE = "nohaven_oidc"
CALLBACK = "/login/oidc/callback"


def redirect_uri(settings: Settings) -> str:
    return settings.mail.site_url.rstrip("/") + CALLBACK


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt="nohaven.oidc")


def _refused(request: Request, exc: NohavenError) -> Response:
    response = render(
        request,
        "login.html",
        {"title": _("Log in"), "next": "/", "error": exc.detail},
        status_code=exc.status_code,
    )
    response.delete_cookie(FLOW_COOKIE, path=CALLBACK)
    return response


@router.get(CALLBACK)
@writes  # opens a session, and may make or update the account from the provider's claims
def come_back_from_provider(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    code: str = "",
    state: str = "",
    error: str = "",
) -> Response:
    try:
        pending = flow.Pending.load(
            _serializer(settings).loads(
                request.cookies.get(FLOW_COOKIE, ""), max_age=settings.oidc.flow_minutes * 60
            )
        )
    except (BadSignature, KeyError, TypeError):
        return _refused(request, NotAuthenticated("The sign-in took too long; please start again."))
    if error or not code or state != pending.state:
        return _refused(request, NotAuthenticated("The provider did not sign you in."))
    provider = session.get(OidcProvider, pending.provider_id)
    if provider is None or not provider.enabled:
        return _refused(request, NotAuthenticated("No such sign-in provider."))
    keyring = data_keyring(settings)
    savepoint = session.begin_nested()
    try:
        with outbound.client(settings) as client:
            claims = flow.finish(
                client,
                pending=pending,
                issuer=provider.issuer,
                client_id=provider.client_id,
                client_secret=service.client_secret(provider, keyring=keyring),
                redirect_uri=redirect_uri(settings),
                code=code,
            )
        signed = service.sign_in(session, provider=provider, claims=claims)
        user = signed.user
        if signed.second_factor_done:
            target, verified = pending.next, True
        elif user.totp_enabled_at is not None:
            target, verified = f"/login/totp?next={pending.next}", False
        elif auth_service.mfa_required(user, required_kinds=settings.mfa_required_kinds):
            target, verified = f"/account/totp?next={pending.next}", False
        else:
            target, verified = pending.next, True
        opened = auth_service.open_session(
            session, user=user, mfa_verified=verified, hours=settings.session_hours
        )
        savepoint.commit()
    except NohavenError as exc:
        savepoint.rollback()
        return _refused(request, exc)
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(FLOW_COOKIE, path=CALLBACK)
    _set_session_cookie(request, response, opened.token)
    return response


# After the callback's route: "callback" is not a provider's id.
@router.get("/login/oidc/{provider_id}")
def leave_for_provider(
    request: Request, session: DbSession, settings: AppSettings, provider_id: str, next: str = "/"
) -> Response:
    provider = session.get(OidcProvider, provider_id)
    if provider is None or not provider.enabled:
        return _refused(request, NotAuthenticated("No such sign-in provider."))
    try:
        with outbound.client(settings) as client:
            url, pending = flow.begin(
                client,
                provider_id=provider.id,
                issuer=provider.issuer,
                client_id=provider.client_id,
                redirect_uri=redirect_uri(settings),
                next_path=_safe_next(next),
            )
    except NohavenError as exc:
        return _refused(request, exc)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        FLOW_COOKIE,
        _serializer(settings).dumps(pending.dump()),
        httponly=True,
        samesite="lax",  # sent on the provider's top-level redirect back, not on other posts
        secure=settings.secure_transport,
        max_age=settings.oidc.flow_minutes * 60,
        path=CALLBACK,
    )
    return response
