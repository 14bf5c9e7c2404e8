"""Domain errors and their HTTP rendering as RFC 9457 problem details.

Titles (and details written as fixed sentences) are marked for the catalogue with ``N_`` and
translated where they are shown, in the reader's language (``nohaven.http_errors``)."""

from __future__ import annotations

from typing import Any

from nohaven.kit.i18n import N_


class NohavenError(Exception):
    status_code = 400
    title = N_("Bad request")
    type_slug = "bad-request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class InvalidInput(NohavenError):
    status_code = 422
    title = N_("Invalid input")
    type_slug = "invalid-input"


class NotAuthenticated(NohavenError):
    status_code = 401
    title = N_("Authentication required")
    type_slug = "not-authenticated"


class LoginRequired(NohavenError):
    """Raised by page dependencies; a page answers it with a redirect to the login page, the
    API with 401."""

    status_code = 401
    title = N_("Login required")
    type_slug = "login-required"


class Forbidden(NohavenError):
    status_code = 403
    title = N_("Forbidden")
    type_slug = "forbidden"


class NotFound(NohavenError):
    status_code = 404
    title = N_("Not found")
    type_slug = "not-found"


class Conflict(NohavenError):
    status_code = 409
    title = N_("Conflict")
    type_slug = "conflict"


class Gone(NohavenError):
    status_code = 410
    title = N_("Gone")
    type_slug = "gone"


class TooManyRequests(NohavenError):
    status_code = 429
    title = N_("Too many requests")
    type_slug = "too-many-requests"


class Locked(NohavenError):
    status_code = 423
    title = N_("Account locked")
    type_slug = "locked"


class ServiceUnavailable(NohavenError):
    """A passing condition (the database restarting, every worker busy): the client should try
    again after ``retry_after`` seconds, which the HTTP layer sends as Retry-After."""

    status_code = 503
    title = N_("Service unavailable")
    type_slug = "unavailable"
    retry_after = 2


class DatabaseBusy(ServiceUnavailable):
    title = N_("Database busy")
    type_slug = "database-busy"
    retry_after = 1
