"""HTTP dependencies: who is asking (an API token's holder, a logged-in person)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from nohaven.auth import service as auth_service
from nohaven.auth.actor import Actor
from nohaven.auth.actor_cache import ActorCache
from nohaven.auth.models import WebSession
from nohaven.errors import Forbidden, LoginRequired, NotAuthenticated
from nohaven.kit import i18n
from nohaven.kit.i18n import N_
from nohaven.transactions import DbSession
from nohaven.web.cookies import SESSION_COOKIE, read_signed_cookie
from nohaven.web.language import picked_on_switcher

# Routers take the request's session from here beside the actors (it lives in transactions).
__all__ = [
    "ApiActor",
    "DbSession",
    "WebActor",
    "bearer_actor",
    "current_web_session",
    "require_role",
    "web_actor",
]


async def bearer_actor(request: Request, session: DbSession) -> Actor:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret:
        raise NotAuthenticated(N_("Send an API token as 'Authorization: Bearer nh_…'."))
    # Remembered for a second per process (nohaven.auth.actor_cache): most requests find their
    # actor there, on the event loop; only the others take a worker thread to read it.
    cache: ActorCache = request.app.state.actor_cache
    found = cache.cached(secret.strip()) or await run_in_threadpool(
        cache.resolve, session, secret.strip()
    )
    if found is None:
        raise NotAuthenticated(N_("The API token is unknown, expired or revoked."))
    request.app.state.token_usage.note(found.token_id, found.last_used_at)
    actor: Actor = found.actor
    return actor


ApiActor = Annotated[Actor, Depends(bearer_actor)]


def current_web_session(request: Request, session: DbSession) -> WebSession | None:
    token = read_signed_cookie(request, SESSION_COOKIE, "session")
    if token is None:
        return None
    return auth_service.resolve_session(session, token)


def web_actor(request: Request, session: DbSession) -> Actor:
    web = current_web_session(request, session)
    if web is None:
        raise LoginRequired(N_("Please log in."))
    if not web.mfa_verified:
        raise LoginRequired(N_("Finish logging in with your second factor."))
    request.state.web_session = web
    actor = auth_service.actor_for(session, web.user)
    request.state.actor = actor
    request.state.user = web.user
    # The person's own choice of language, unless this page was just switched to another.
    if web.user.language and not picked_on_switcher(request):
        i18n.choose(web.user.language)
    return actor


WebActor = Annotated[Actor, Depends(web_actor)]


def require_role(actor: Actor, *roles: str) -> None:
    if not actor.is_secretariat and not set(roles) & actor.roles:
        raise Forbidden(N_("Your role does not allow this page."))
