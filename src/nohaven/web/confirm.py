"""A destructive or final action asks first, with or without script.

Its button carries the question in ``data-confirm``: with script, the browser asks and, on
yes, the form is sent with ``confirmed=yes`` (static/app.js). Without script the form arrives
without it, and the server answers with a page that asks the same question and sends the same
fields again with ``confirmed=yes``, or goes back. Nothing is written before that."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from nohaven.web.templating import render

CONFIRMED = "yes"


def ask_first(
    request: Request,
    *,
    question: str,
    button: str,
    back: str,
    fields: Mapping[str, str | Sequence[str]] | None = None,
) -> Response:
    """The page that asks ``question`` before the action of this request's form runs."""
    hidden: list[tuple[str, str]] = []
    for name, value in (fields or {}).items():
        values = [value] if isinstance(value, str) else list(value)
        hidden += [(name, v) for v in values]
    return render(
        request,
        "confirm.html",
        {
            "title": button,
            "question": question,
            "button": button,
            "action": request.url.path,
            "hidden": hidden,
            "back": back,
        },
    )


# The form field the question's answer arrives in: ``confirmed: Confirmed = ""``.
Confirmed = Annotated[str, Form(max_length=3)]
