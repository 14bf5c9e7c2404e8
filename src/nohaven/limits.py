"""Limits before parsing (docs/request-path.md): what a request may send, checked while it
arrives, before anything is parsed or a database connection is taken.

- Body size per route: JSON bodies ``body_max_json`` unless the endpoint declares more with
  ``@body_limit("match")``, ``@body_limit("upload")`` or a number of bytes. A request with no
  credentials at all (no bearer token, no session cookie) gets ``body_max_anonymous`` whatever
  the route, so an anonymous client cannot make the server read a large body before its 401.
  A declared Content-Length over the limit is refused at once (413) without reading a byte;
  a body without one is counted as it streams and refused when it passes the limit.
- Slow clients: a body that stalls for ``body_idle_seconds`` ends in 408.
- NUL characters in the path, the query string, a URL-encoded form, a JSON body or a text
  field of a multipart form are refused (422): no text field anywhere stores them (PostgreSQL
  cannot), so they are refused at the door. File parts of a multipart form may hold any bytes.
- Integers in the query string beyond 64 bits are refused (422) for every parameter at once:
  no column or offset can hold them. Bodies bound theirs in their schemas (nohaven.kit.schemas).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nohaven.config import Settings
from nohaven.server_protocol import BoundedHttpTools

F = TypeVar("F", bound=Callable[..., Any])
_LIMIT_ATTR = "__nohaven_body_limit__"
BodyKind = Literal["json", "match", "upload"]


def body_limit(kind: BodyKind | int) -> Callable[[F], F]:
    """Declare how large a body an endpoint accepts: a kind named in the settings, or bytes."""

    def mark(endpoint: F) -> F:
        setattr(endpoint, _LIMIT_ATTR, kind)
        return endpoint

    return mark


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(
            413, f"The request body is larger than this endpoint accepts ({limit} bytes)."
        )


class BodyTimeout(HTTPException):
    def __init__(self, seconds: float) -> None:
        super().__init__(408, f"The request body did not arrive in time ({seconds:g} s idle).")


class NulInText(HTTPException):
    def __init__(self, where: str) -> None:
        super().__init__(422, f"The {where} contains a NUL character, which no text may hold.")


class IntegerTooLarge(HTTPException):
    def __init__(self, name: str) -> None:
        super().__init__(422, f"The parameter {name} is a number beyond 64 bits.")


_INTEGER = re.compile(r"[+-]?[0-9]{19,}")
INT64_MAX = 2**63 - 1


def _oversized_integer(query: bytes) -> str | None:
    """The name of the first query parameter whose value is an integer beyond 64 bits."""
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if _INTEGER.fullmatch(value.strip()) and abs(int(value)) > INT64_MAX:
            return name[:64]
    return None


def _json_nul(data: bytes) -> bool:
    """Whether JSON text holds the escape of a NUL character (a raw NUL is not valid JSON)."""
    start = data.find(b"\\u0000")
    while start != -1:
        slashes = 0
        while start - slashes - 1 >= 0 and data[start - slashes - 1] == 0x5C:
            slashes += 1
        if slashes % 2 == 0:  # the backslash before u0000 is not itself escaped
            return True
        start = data.find(b"\\u0000", start + 1)
    return False


class _MultipartTextScan:
    """Follows a multipart body as it streams (python-multipart, the parser Starlette uses) and
    notes a NUL in a part without a file name: a text field. Files may hold any bytes. A body
    this parser cannot follow is left to Starlette's own parser, which refuses it."""

    def __init__(self, boundary: bytes) -> None:
        self.found = False
        self._field = b""
        self._value = b""
        self._disposition = b""
        self._text = False
        self._broken = False
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._data,
            },
        )

    def feed(self, chunk: bytes) -> None:
        if self._broken or self.found:
            return
        try:
            self._parser.write(chunk)
        except Exception:
            self._broken = True

    def _begin(self) -> None:
        self._field = self._value = self._disposition = b""
        self._text = False

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        if self._field.lower() == b"content-disposition":
            self._disposition = self._value
        self._field = self._value = b""

    def _headers_finished(self) -> None:
        _kind, options = parse_options_header(self._disposition)
        self._text = b"filename" not in options

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._text and data.find(b"\x00", start, end) != -1:
            self.found = True


def _multipart_scan(content_type: bytes) -> _MultipartTextScan | None:
    if not content_type.startswith(b"multipart/form-data"):
        return None
    _kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    return _MultipartTextScan(boundary) if boundary else None


def _has_credentials(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"authorization" and value.strip():
            return True
        if name == b"cookie" and b"nh_session=" in value:
            return True
    return False


def _header(scope: Scope, wanted: bytes) -> bytes | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return bytes(value)
    return None


class RequestLimits:
    """Pure ASGI middleware (no body buffering of its own)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.kinds: dict[str, int] = {
            "json": settings.body_max_json,
            "match": settings.body_max_match,
            "upload": settings.body_max_upload,
        }

    def limit_for(self, scope: Scope) -> int:
        endpoint = getattr(scope.get("route"), "endpoint", None)
        declared = getattr(endpoint, _LIMIT_ATTR, "json")
        limit = declared if isinstance(declared, int) else self.kinds[declared]
        if not _has_credentials(scope):
            limit = min(limit, self.settings.body_max_anonymous)
        return limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        if "\x00" in scope.get("path", "") or b"%00" in query:
            await _refuse(scope, send, NulInText("address"))
            return
        if query and (name := _oversized_integer(query)) is not None:
            await _refuse(scope, send, IntegerTooLarge(name))
            return
        await self.app(scope, self._guarded(scope, receive), send)

    def _guarded(self, scope: Scope, receive: Receive) -> Receive:
        length_header = _header(scope, b"content-length")
        declared = int(length_header) if length_header and length_header.isdigit() else None
        content_type = _header(scope, b"content-type") or b""
        form = content_type.startswith(b"application/x-www-form-urlencoded")
        json_body = content_type.startswith(b"application/json") or b"+json" in content_type
        multipart = _multipart_scan(content_type)
        idle = self.settings.body_idle_seconds
        limit: int | None = None
        seen = 0
        done = False
        tail = b""

        async def guarded() -> Message:
            nonlocal limit, seen, done, tail
            if done:
                return await receive()
            if limit is None:
                # The first read of the body comes after routing, so the route is known here.
                limit = self.limit_for(scope)
                if declared is not None and declared > limit:
                    raise BodyTooLarge(limit)
            try:
                async with asyncio.timeout(idle):
                    message = await receive()
            except TimeoutError:
                raise BodyTimeout(idle) from None
            if message["type"] != "http.request":
                return message
            chunk: bytes = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                raise BodyTooLarge(limit)
            if form:
                window = tail + chunk
                if b"%00" in window or b"\x00" in window:
                    raise NulInText("form")
                tail = window[-2:]
            elif json_body:
                window = tail + chunk
                if _json_nul(window):
                    raise NulInText("JSON body")
                tail = window[-16:]
            elif multipart is not None:
                multipart.feed(chunk)
                if multipart.found:
                    raise NulInText("form field")
            if not message.get("more_body", False):
                done = True
            return message

        return guarded


async def _refuse(scope: Scope, send: Send, error: HTTPException) -> None:
    """Answer before routing: problem+json under /api, plain text elsewhere."""
    path: str = scope.get("path", "")
    if path.startswith("/api/"):
        body = json.dumps(
            {
                "type": "https://nohaven.invalid/problems/invalid-input",
                "title": "Invalid input",
                "status": error.status_code,
                "detail": error.detail,
            }
        ).encode()
        content_type = b"application/problem+json"
    else:
        body = str(error.detail).encode()
        content_type = b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": error.status_code,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


WORKER_HEALTHCHECK_SECONDS = 60


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's own limits, for `nohaven serve`: idle keep-alive connections are closed after
    a few seconds, headers are bounded, and past a bound of open connections a new one gets
    503 at once instead of a slot in an ever longer queue."""
    return {
        # No line per request: formatting and writing it cost about 5 % of a single-hash
        # match's server CPU (py-spy, bench/load.py). Errors still go to the log with their
        # request id, changes and sensitive reads to the audit log; a proxy in front of
        # nohaven keeps the access log where one is wanted.
        "access_log": False,
        "timeout_keep_alive": 5,
        # httptools with a bound on the request's head (nohaven.server_protocol): half of
        # h11's CPU per request
        "http": BoundedHttpTools,
        "limit_concurrency": max(256, settings.request_threads * 32),
        "timeout_graceful_shutdown": 20,
        # With --workers, uvicorn's supervisor pings each worker every half second and kills
        # one that has not answered within this many seconds (5 by default). A worker starts
        # answering only once its interpreter has imported nohaven (the spawned process runs
        # the command's module first): 4 s of CPU, 15 s on a loaded two-core machine. With 5 s
        # the supervisor killed workers while they started, over and over (72 kills in 7
        # minutes of bench/load.py with 2 workers), and a busy worker mid-request too: each
        # kill dropped its requests and cost a new start, which is why 2 and 4 workers served
        # fewer requests than 1. A worker that is really hung is still replaced.
        "timeout_worker_healthcheck": WORKER_HEALTHCHECK_SECONDS,
    }
