"""What the policy pages read from a request (dates, uploaded files), and the page that
says what was wrong with it.
"""

from __future__ import annotations

from datetime import date

from fastapi import Request, UploadFile
from fastapi.responses import Response

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


async def read_upload(upload: UploadFile) -> str:
    raw = await upload.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        raise InvalidInput("The file is larger than 5 MB.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("The file must be UTF-8 text.") from exc
