"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from nohaven import http_errors
from nohaven.config import Settings, get_settings
from nohaven.db import create_db_engine, make_sessionmaker
from nohaven.kit.context import request_id_var
from nohaven.kit.ids import new_id

STATIC = Path(__file__).parent / "web" / "static"
log = logging.getLogger("nohaven")

API_DESCRIPTION = """
The nohaven JSON API. Authenticate with an API token: `Authorization: Bearer nh_…`
(create one on the Tokens page or with `nohaven tokens create`). Errors are RFC 9457
problem details (`application/problem+json`).
"""


# A year: browsers remember to use HTTPS only, so a network attacker cannot strip TLS from a
# later visit.
HSTS = "max-age=31536000"


def _security_headers(response: Response, settings: Settings) -> None:
    if settings.secure_transport:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    )
    response.headers.setdefault("Cache-Control", "no-store")


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = engine or create_db_engine(settings.database_url)

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
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.startup_hooks = []
    app.state.shutdown_hooks = []

    @app.middleware("http")
    async def request_context(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        incoming = request.headers.get("x-request-id", "")
        rid = incoming if 8 <= len(incoming) <= 64 and incoming.isascii() else new_id()
        token = request_id_var.set(rid)
        try:
            response = await call_next(request)
        finally:
            request_id_var.reset(token)
        response.headers["X-Request-ID"] = rid
        _security_headers(response, settings)
        return response

    http_errors.install(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    from nohaven.routes import include_routers

    include_routers(app)
    return app
