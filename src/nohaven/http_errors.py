"""Render errors: RFC 9457 problem+json under /api, an HTML page elsewhere. Never a stack trace.

The pages themselves belong to the web layer: ``nohaven.web.errors`` installs these handlers
with its page renderer, so this module knows nothing of templates."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from nohaven.errors import (
    DatabaseBusy,
    LoginRequired,
    NohavenError,
    NotAuthenticated,
    ServiceUnavailable,
)
from nohaven.kit.context import current_request_id
from nohaven.kit.i18n import N_, gettext

log = logging.getLogger("nohaven")
PROBLEM_BASE = "https://nohaven.invalid/problems/"


# An error page for a person: (request, status, title, detail, retry_after) -> response.
ErrorPage = Callable[[Request, int, str, str, int | None], Response]
# Where a page that needs a login sends the person instead.
LoginRedirect = Callable[[Request], Response]


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    type_slug: str,
    errors: list[dict[str, Any]] | None = None,
    instance: str | None = None,
    retry_after: int | None = None,
) -> JSONResponse:
    # In the language the client asked for (Accept-Language); a detail that is not a fixed
    # sentence of the catalogue (it names a value) stays as written.
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + type_slug,
        "title": gettext(title),
        "status": status,
        "detail": gettext(detail),
        "request_id": current_request_id(),
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


# PostgreSQL SQLSTATE classes that mean the server is away or going away, not that the
# statement was wrong: connection exceptions (08) and operator intervention (57P0x).
_AWAY_SQLSTATES = ("08", "57P01", "57P02", "57P03")
# Program limits (54: a value too large for an index, say) are the client's input.
_INPUT_SQLSTATES = ("54", "22")


def _sqlstate(exc: DBAPIError) -> str | None:
    state = getattr(exc.orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def database_trouble(exc: Exception) -> ServiceUnavailable | None:
    """A database that is down, restarting or busy is a passing condition: 503, not 500."""
    if isinstance(exc, PoolTimeout):
        return ServiceUnavailable(N_("Every database connection is busy; try again shortly."))
    if not isinstance(exc, DBAPIError):
        return None
    if exc.connection_invalidated:
        return ServiceUnavailable(N_("The database connection was lost; try again shortly."))
    if not isinstance(exc, OperationalError):
        return None
    message = str(exc.orig)
    if "database is locked" in message or "database is busy" in message:
        return DatabaseBusy(N_("The database is busy with other writes; try again shortly."))
    state = _sqlstate(exc)
    # No SQLSTATE: the connection could not be made at all.
    if state is None and "sqlite" not in type(exc.orig).__module__:
        return ServiceUnavailable(N_("The database is not reachable; try again shortly."))
    if state is not None and state.startswith(_AWAY_SQLSTATES):
        return ServiceUnavailable(N_("The database is not reachable; try again shortly."))
    return None


def refused_value(exc: Exception) -> bool:
    """A value the database cannot hold (NUL in text, out of range, too large to index)."""
    if isinstance(exc, DataError):
        return True
    if isinstance(exc, OperationalError):
        state = _sqlstate(exc)
        return state is not None and state.startswith(_INPUT_SQLSTATES)
    return False


def _clean_errors(errors: Any) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ())]
        out.append({"field": ".".join(loc), "message": str(err.get("msg", "invalid"))})
    return out


def install(app: FastAPI, *, page: ErrorPage, login: LoginRedirect) -> None:
    def _html(
        request: Request, status: int, title: str, detail: str, retry_after: int | None = None
    ) -> Response:
        return page(request, status, gettext(title), gettext(detail), retry_after)

    def _unavailable(request: Request, exc: ServiceUnavailable) -> Response:
        if _wants_json(request):
            return problem(
                exc.status_code,
                exc.title,
                exc.detail,
                type_slug=exc.type_slug,
                instance=request.url.path,
                retry_after=exc.retry_after,
            )
        return _html(request, exc.status_code, exc.title, exc.detail, exc.retry_after)

    @app.exception_handler(NohavenError)
    def _domain(request: Request, exc: NohavenError) -> Response:
        if isinstance(exc, ServiceUnavailable):
            return _unavailable(request, exc)
        if isinstance(exc, LoginRequired):
            if _wants_json(request):
                return problem(
                    401, NotAuthenticated.title, exc.detail, type_slug=NotAuthenticated.type_slug
                )
            return login(request)
        if _wants_json(request):
            return problem(
                exc.status_code,
                exc.title,
                exc.detail,
                type_slug=exc.type_slug,
                errors=exc.errors,
                instance=request.url.path,
            )
        return _html(request, exc.status_code, exc.title, exc.detail)

    @app.exception_handler(RequestValidationError)
    def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = _clean_errors(exc.errors())
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        if _wants_json(request):
            return problem(
                422,
                N_("Invalid input"),
                detail or N_("The request is not valid."),
                type_slug="invalid-input",
                errors=errors,
                instance=request.url.path,
            )
        return _html(request, 422, N_("The form is not complete"), detail)

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        title = {
            404: N_("Not found"),
            405: N_("Method not allowed"),
            408: N_("Request timeout"),
            413: N_("Content too large"),
        }.get(exc.status_code, N_("Error"))
        if _wants_json(request):
            return problem(
                exc.status_code,
                title,
                str(exc.detail),
                type_slug="http-error",
                instance=request.url.path,
            )
        return _html(request, exc.status_code, title, str(exc.detail))

    def _internal(request: Request, exc: Exception) -> Response:
        log.error("unhandled error in %s %s", request.method, request.url.path, exc_info=exc)
        detail = gettext("Something went wrong on our side; quote request id %(id)s.") % {
            "id": current_request_id()
        }
        if _wants_json(request):
            return problem(500, N_("Internal error"), detail, type_slug="internal")
        return _html(request, 500, N_("Internal error"), detail)

    # Database errors get handlers of their own: the catch-all below answers through
    # Starlette's outermost middleware, which re-raises and so drops the client's keep-alive
    # connection; these answer in place and the connection stays usable.
    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeout)
    def _database(request: Request, exc: Exception) -> Response:
        if (trouble := database_trouble(exc)) is not None:
            log.warning("database unavailable in %s %s: %s", request.method, request.url.path, exc)
            return _unavailable(request, trouble)
        if refused_value(exc):
            # A value the database cannot hold got past validation: the client's input is
            # refused (422) and the gap in validation is logged with its traceback.
            log.error("invalid value reached the database in %s", request.url.path, exc_info=exc)
            detail = N_("A value in the request cannot be stored (out of range or not text).")
            if _wants_json(request):
                return problem(422, N_("Invalid input"), detail, type_slug="invalid-input")
            return _html(request, 422, N_("Invalid input"), detail)
        return _internal(request, exc)

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Response:
        return _internal(request, exc)
