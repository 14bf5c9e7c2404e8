"""The one way a page's form changes something: ``form_action``.

Validate, run the service inside a savepoint, roll back everything a refused action wrote
(except what it asked to keep through ``nohaven.db.write_even_if_refused``), then answer:
refused -> the page again with the reason (4xx); done -> a redirect (POST/redirect/GET) to a
page that shows the flash message once, so reloading it changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from nohaven.db import collecting_kept_writes
from nohaven.errors import NohavenError
from nohaven.kit.i18n import gettext
from nohaven.web.flash import set_flash
from nohaven.web.templating import render

MAX_PROBLEMS = 6
T = TypeVar("T")


def validation_message(exc: ValidationError) -> str:
    """One line naming each field that is wrong and why, as a person reads it."""
    parts = []
    for err in exc.errors()[:MAX_PROBLEMS]:
        where = ".".join(str(p) for p in err["loc"]) or gettext("form")
        # A validator's own sentence is a message of the catalogue when it was marked with N_.
        parts.append(f"{where}: {gettext(str(err['msg']).removeprefix('Value error, '))}")
    return "; ".join(parts)


@dataclass(frozen=True)
class Refusal:
    """Why a form was refused: the message above the form, its status, the fields at fault."""

    message: str
    status_code: int
    fields: list[dict[str, Any]] = field(default_factory=list)
    # The refusal itself, for a page that shows more of it (an import's rejected rows).
    cause: ValidationError | NohavenError | None = None

    @classmethod
    def of(cls, exc: ValidationError | NohavenError) -> Refusal:
        if isinstance(exc, ValidationError):
            fields = [
                {"field": ".".join(str(p) for p in err["loc"]), "message": str(err["msg"])}
                for err in exc.errors()[:MAX_PROBLEMS]
            ]
            return cls(validation_message(exc), 422, fields, exc)
        # A domain rule's reason, in the reader's language when it is a sentence of the
        # catalogue (marked with N_ where it is raised).
        return cls(gettext(exc.detail), exc.status_code, list(exc.errors), exc)

    @property
    def message_with_fields(self) -> str:
        """The message followed by what each field at fault says (a file's problems); a
        validation message names its fields already."""
        if isinstance(self.cause, ValidationError):
            return self.message
        extra = "; ".join(
            f"{f['field']}: {f['message']}" if f.get("field") else str(f.get("message", ""))
            for f in self.fields
        )
        return f"{self.message} {extra}".strip()


def form_action(
    request: Request,
    session: Session,
    action: Callable[[], T],
    *,
    refused: Callable[[Refusal], Response] | None = None,
    redirect: str | Callable[[T], str] | None = None,
    flash: str | Callable[[T], str] | None = None,
    show: Callable[[T], Response] | None = None,
    finish: Callable[[T, Response], None] | None = None,
) -> Response:
    """Run one form's ``action`` (validation and the service call) and answer the browser.

    ``refused`` renders the page again with the reason (by default, the error page). On success
    the answer is a redirect to ``redirect`` with ``flash`` shown once there, or, for a result
    that may be shown only once and must not travel in a cookie or a URL (a new token's
    secret, recovery codes), the page ``show`` renders. ``finish`` adjusts the answer (sets
    the session cookie after a login)."""
    if (redirect is None) == (show is None):
        raise TypeError("give either redirect or show")
    with collecting_kept_writes(session) as kept:
        savepoint = session.begin_nested()
        try:
            result = action()
        except (ValidationError, NohavenError) as exc:
            savepoint.rollback()
            _write_kept(session, kept)
            refusal = Refusal.of(exc)
            if refused is None:
                return error_page(request, refusal)
            return refused(refusal)
        except BaseException:
            savepoint.rollback()
            raise
        savepoint.commit()
        _write_kept(session, kept)
    if show is not None:
        response = show(result)
    else:
        target = redirect(result) if callable(redirect) else str(redirect)
        response = redirect_to(request, target)
        message = flash(result) if callable(flash) else flash
        if message:
            # A fixed message (marked with N_ by the page) is translated here; one the page
            # put together itself it has translated already, and gettext leaves it as it is.
            set_flash(request, response, gettext(message))
    if finish is not None:
        finish(result, response)
    return response


def _write_kept(session: Session, kept: list[Callable[[Session], None]]) -> None:
    for work in kept:
        work(session)
    session.flush()


def redirect_to(request: Request, target: str) -> Response:
    """303 See Other; an HTMX request is told through HX-Redirect instead (it would otherwise
    swap the target page into the fragment)."""
    if request.headers.get("hx-request") == "true":
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def error_page(request: Request, refusal: Refusal) -> Response:
    """The answer to a refused action that has no form of its own to show again."""
    return render(
        request,
        "error.html",
        {"title": gettext("Not done"), "detail": refusal.message},
        status_code=refusal.status_code,
    )
