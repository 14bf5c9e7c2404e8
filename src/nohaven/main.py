"""The FastAPI application factory, and what it installs: every domain's routers (the JSON API
under /api/v1, the pages at the root) and the job runner's jobs. Adding a domain's router or
job is a line in one of the lists below."""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nohaven import transactions
from nohaven.audit import api as audit_api
from nohaven.audit import jobs as audit_jobs
from nohaven.audit import views as audit_views
from nohaven.auth import actor_cache, token_usage
from nohaven.auth import api as auth_api
from nohaven.auth import views as auth_views
from nohaven.config import Settings
from nohaven.dashboard import views as dashboard_views
from nohaven.db import engine_for, make_sessionmaker, read_intent
from nohaven.deconfliction import api as deconfliction_api
from nohaven.deconfliction import jobs as deconfliction_jobs
from nohaven.deconfliction import views as deconfliction_views
from nohaven.federation import api as federation_api
from nohaven.federation import jobs as federation_jobs
from nohaven.federation import views as federation_views
from nohaven.federation.taxii import api as taxii_api
from nohaven.governance import api as governance_api
from nohaven.governance import jobs as governance_jobs
from nohaven.governance import views as governance_views
from nohaven.hashes import api as hashes_api
from nohaven.hashes import jobs as hashes_jobs
from nohaven.hashes import views as hashes_views
from nohaven.jobs.registry import Job
from nohaven.jobs.runner import install_worker
from nohaven.keys.ring import data_keyring
from nohaven.kit.context import request_id_var
from nohaven.kit.ids import new_id
from nohaven.limits import RequestLimits
from nohaven.members import api as members_api
from nohaven.members import views as members_views
from nohaven.notifications import api as notifications_api
from nohaven.notifications import jobs as notifications_jobs
from nohaven.notifications import views as notifications_views
from nohaven.operations import api as operations_api
from nohaven.operations import jobs as operations_jobs
from nohaven.operations import views as operations_views
from nohaven.policy import api as policy_api
from nohaven.policy import views as policy_views
from nohaven.system import api as system_api
from nohaven.travel import api as travel_api
from nohaven.travel import jobs as travel_jobs
from nohaven.travel import views as travel_views
from nohaven.web import errors as web_errors
from nohaven.web.language import LanguageNegotiation
from nohaven.webhooks import api as webhooks_api
from nohaven.webhooks import jobs as webhooks_jobs
from nohaven.webhooks import views as webhooks_views

STATIC = Path(__file__).parent / "web" / "static"

# The JSON API of each domain (mounted under /api/v1) and its pages, in the order the
# navigation lists the domains.
API_ROUTERS: tuple[APIRouter, ...] = (
    members_api.router,
    auth_api.router,
    audit_api.router,
    notifications_api.router,
    hashes_api.router,
    federation_api.router,
    taxii_api.router,
    deconfliction_api.router,
    travel_api.router,
    governance_api.router,
    policy_api.router,
    operations_api.router,
    webhooks_api.router,
)
PAGE_ROUTERS: tuple[APIRouter, ...] = (
    members_views.router,
    auth_views.router,
    audit_views.router,
    notifications_views.router,
    hashes_views.router,
    federation_views.router,
    deconfliction_views.router,
    travel_views.router,
    governance_views.router,
    policy_views.router,
    operations_views.router,
    webhooks_views.router,
    dashboard_views.router,
)
# Each domain's scheduled jobs: a function of the settings (their intervals are settings).
JOB_SCHEDULES: tuple[Callable[[Settings], list[Job]], ...] = (
    audit_jobs.scheduled,
    hashes_jobs.scheduled,
    federation_jobs.scheduled,
    deconfliction_jobs.scheduled,
    travel_jobs.scheduled,
    governance_jobs.scheduled,
    notifications_jobs.scheduled,
    operations_jobs.scheduled,
    webhooks_jobs.scheduled,
)
log = logging.getLogger("nohaven")

API_DESCRIPTION = """
The nohaven JSON API. Authenticate with an API token: `Authorization: Bearer nh_…`
(create one on the Tokens page or with `nohaven tokens create`). Errors are RFC 9457
problem details (`application/problem+json`).
"""


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
    "Cache-Control": "no-store",
}
# A year: browsers remember to use HTTPS only, so a network attacker cannot strip TLS from a
# later visit. Sent outside demo mode unless plain HTTP on loopback was chosen explicitly.
HSTS = "max-age=31536000"


class RequestContext:
    """The request id (from X-Request-ID when sensible) for logs and audit rows, and the
    security headers on every response. Plain ASGI: it neither buffers nor re-wraps what
    the app receives, so errors raised while a body streams reach the handlers unchanged."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.headers = dict(SECURITY_HEADERS)
        # Request ids: unique, not secret. A random start per process and a counter cost a
        # fraction of a fresh random id each (os.urandom per request showed in profiles).
        self.id_prefix = new_id()[:20]
        self.id_count = itertools.count()  # next() on it is atomic: any thread may ask
        if hsts:
            self.headers["Strict-Transport-Security"] = HSTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get("x-request-id", "")
        if 8 <= len(incoming) <= 64 and incoming.isascii():
            rid = incoming
        else:
            rid = f"{self.id_prefix}{next(self.id_count):012x}"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = rid
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        token = request_id_var.set(rid)
        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            request_id_var.reset(token)


def app_from_environment() -> FastAPI:
    """The app of one of several server processes (``nohaven serve --workers N``): uvicorn
    starts each process with this factory, and each reads the same environment."""
    return create_app(Settings())


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    """The application, built with ``settings`` (kept on ``app.state``: endpoints take them
    with ``nohaven.config.AppSettings``)."""
    engine = engine or engine_for(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for hook in app.state.startup_hooks:
            hook(app)
        yield
        for hook in app.state.shutdown_hooks:
            hook(app)

    app = FastAPI(
        title="nohaven",
        version="0.1.0",
        description=API_DESCRIPTION,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.read_engine = read_intent(engine)
    app.state.sessionmaker = make_sessionmaker(engine, keyring=data_keyring(settings))
    app.state.startup_hooks = []
    app.state.shutdown_hooks = []
    transactions.install(
        app, threads=settings.request_threads, wait_seconds=settings.db_wait_seconds
    )
    token_usage.install(app)
    actor_cache.install(app)

    # Sizes, stalls and NUL characters are refused before anything is parsed; the request
    # context wraps everything, so even those refusals carry a request id.
    app.add_middleware(RequestLimits, settings=settings)
    app.add_middleware(RequestContext, hsts=settings.secure_transport)
    app.add_middleware(
        LanguageNegotiation,
        default=settings.default_language,
        secure=settings.secure_transport,
    )
    web_errors.install(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    app.include_router(system_api.router, prefix="/api/v1")
    # Routing tries routes in order, each a Python call: the hashes API (matches, lists,
    # entries: most of the traffic) goes first. No path of it matches another domain's.
    app.include_router(hashes_api.router, prefix="/api/v1")
    for router in API_ROUTERS:
        if router is not hashes_api.router:
            app.include_router(router, prefix="/api/v1")
    for router in PAGE_ROUTERS:
        app.include_router(router)
    # State kept beside the database: the matching index is built when the app starts, and
    # the node's federation identity is read from its key file.
    hashes_api.install(app)
    federation_api.install(app)
    if settings.job_worker:
        install_worker(app, scheduled_jobs(settings))
    return app


def scheduled_jobs(settings: Settings) -> dict[str, Job]:
    """The jobs of the one job runner (``nohaven.jobs``), by name: what a server process
    runs when NOHAVEN_JOB_WORKER is on, and what `nohaven jobs` lists, runs and works."""
    found: dict[str, Job] = {}
    for scheduled in JOB_SCHEDULES:
        for job in scheduled(settings):
            if job.name in found:  # pragma: no cover - a programming error
                raise ValueError(f"two jobs are named {job.name}")
            found[job.name] = job
    return dict(sorted(found.items()))
