"""The pages a person sees when something is refused or goes wrong, and the login redirect."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from nohaven import http_errors
from nohaven.web.templating import render


def error_page(
    request: Request, status: int, title: str, detail: str, retry_after: int | None
) -> Response:
    response = render(request, "error.html", {"title": title, "detail": detail}, status_code=status)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def login_redirect(request: Request) -> Response:
    """Back to this page once logged in."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def install(app: FastAPI) -> None:
    """The error handlers of the whole app: problem+json under /api, these pages elsewhere."""
    http_errors.install(app, page=error_page, login=login_redirect)
