"""Render errors: RFC 9457 problem+json under /api, an HTML page elsewhere. Never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from nohaven.errors import NohavenError, NotAuthenticated
from nohaven.kit.context import current_request_id

log = logging.getLogger("nohaven")
PROBLEM_BASE = "https://nohaven.invalid/problems/"


class LoginRequired(NohavenError):
    """Raised by page dependencies; rendered as a redirect to the login page."""

    status_code = 401
    title = "Login required"
    type_slug = "login-required"


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
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + type_slug,
        "title": title,
        "status": status,
        "detail": detail,
        "request_id": current_request_id(),
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def _html(request: Request, status: int, title: str, detail: str) -> Response:
    from nohaven.web.templating import render  # the web layer depends on this, not the reverse

    return render(request, "error.html", {"title": title, "detail": detail}, status_code=status)


def _clean_errors(errors: Any) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ())]
        out.append({"field": ".".join(loc), "message": str(err.get("msg", "invalid"))})
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(NohavenError)
    def _domain(request: Request, exc: NohavenError) -> Response:
        if isinstance(exc, LoginRequired):
            if _wants_json(request):
                return problem(
                    401, NotAuthenticated.title, exc.detail, type_slug=NotAuthenticated.type_slug
                )
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            from urllib.parse import quote

            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
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

    # The database refusing a value (a NUL character PostgreSQL text cannot hold, a number out
    # of a column's range, text too long for its column) is bad input that slipped past the
    # schemas: the transaction is rolled back and the client told, never a 500.
    @app.exception_handler(DataError)
    def _refused_value(request: Request, exc: DataError) -> Response:
        # The driver's message may quote the value itself: log only its kind, never the data.
        log.warning(
            "database refused a value in %s %s (%s)",
            request.method,
            request.url.path,
            type(exc.orig).__name__,
        )
        detail = (
            "A value in the request cannot be stored or compared"
            " (such as a NUL character or a number out of range)."
        )
        if _wants_json(request):
            return problem(
                422, "Invalid input", detail, type_slug="invalid-input", instance=request.url.path
            )
        return _html(request, 422, "Invalid input", detail)

    @app.exception_handler(RequestValidationError)
    def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = _clean_errors(exc.errors())
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        if _wants_json(request):
            return problem(
                422,
                "Invalid input",
                detail or "The request is not valid.",
                type_slug="invalid-input",
                errors=errors,
                instance=request.url.path,
            )
        return _html(request, 422, "The form is not complete", detail)

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "Error")
        if _wants_json(request):
            return problem(
                exc.status_code,
                title,
                str(exc.detail),
                type_slug="http-error",
                instance=request.url.path,
            )
        return _html(request, exc.status_code, title, str(exc.detail))

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error in %s %s", request.method, request.url.path)
        detail = f"Something went wrong on our side; quote request id {current_request_id()}."
        if _wants_json(request):
            return problem(500, "Internal error", detail, type_slug="internal")
        return _html(request, 500, "Internal error", detail)
