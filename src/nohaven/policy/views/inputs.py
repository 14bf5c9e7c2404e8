"""What the policy pages read from a request (dates, uploaded files), and the page that
says what was wrong with it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Request, UploadFile
from fastapi.responses import Response
from starlette.datastructures import FormData

from nohaven.errors import InvalidInput, NohavenError
from nohaven.web.templating import render

MAX_UPLOAD = 5 * 1024 * 1024


def parse_day(value: str | None, field: str = "as_of") -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(
            "Dates are written YYYY-MM-DD.", errors=[{"field": field, "message": "not a date"}]
        ) from exc


def error_page(request: Request, exc: NohavenError) -> Response:
    return render(
        request,
        "policy/problem.html",
        {"title": exc.title, "error": exc.detail, "errors": exc.errors},
        status_code=exc.status_code,
    )


def read_upload(upload: UploadFile) -> str:
    """The uploaded file as text. Called from ``def`` endpoints, which run in a worker
    thread, so reading the spooled file directly blocks no event loop."""
    raw = upload.file.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        raise InvalidInput("The file is larger than 5 MB.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("The file must be UTF-8 text.") from exc


async def _posted_form(request: Request) -> FormData:
    # Parsed on the event loop (the CSRF check has usually parsed and cached it already),
    # so the endpoint that uses it can be a plain ``def`` running in a worker thread.
    return await request.form()


# The whole posted form, for pages whose field names are built from data (one per capability).
PostedForm = Annotated[FormData, Depends(_posted_form)]
