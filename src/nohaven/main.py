"""The FastAPI application factory."""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nohaven import transactions
from nohaven.auth import actor_cache, token_usage
from nohaven.config import Settings
from nohaven.db import engine_for, make_sessionmaker, read_intent
from nohaven.kit.context import request_id_var
from nohaven.kit.ids import new_id
from nohaven.limits import RequestLimits
from nohaven.web import errors as web_errors

STATIC = Path(__file__).parent / "web" / "static"
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
    app.state.sessionmaker = make_sessionmaker(engine)
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
    web_errors.install(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    from nohaven.routes import include_routers

    include_routers(app)
    if settings.job_worker:
        from nohaven.jobs.runner import install_worker

        install_worker(app)
    return app
