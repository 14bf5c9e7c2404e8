"""The HTTP/1.1 parser `nohaven serve` runs: httptools (llhttp, in C), with a bound on the
request line and headers.

httptools costs about half of h11's CPU per request (0.6 against 1.2 ms of server CPU per
``GET /api/v1/health``, measured back to back on the development machine), and the server's
CPU per request is what bounds its throughput on a two-core machine. But uvicorn's httptools
protocol accepts a request line and headers of any size, where h11 stops at
``h11_max_incomplete_event_size``: a client could make a worker hold gigabytes of headers. So
this protocol counts the bytes that arrive while a request's head is still being read, and
past ``HEAD_MAX_BYTES`` answers 431 and closes the connection, as h11's bound did (with 400).
At most a read or two of the socket beyond the bound is ever held.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEAD_MAX_BYTES = 64 * 1024
_REFUSAL = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 31\r\n"
    b"connection: close\r\n"
    b"\r\n"
    b"Request header fields too large"
)


class BoundedHttpTools(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reading_head = True  # a new connection starts with a request's head
        self._head_bytes = 0

    def data_received(self, data: bytes) -> None:
        if self._reading_head:
            self._head_bytes += len(data)
        super().data_received(data)
        # Still inside the head after this read, and past the bound: refuse. A read that
        # completed the head (the body follows in it) is not counted against it.
        over = self._reading_head and self._head_bytes > HEAD_MAX_BYTES
        if over and not self.transport.is_closing():
            self.transport.write(_REFUSAL)
            self.transport.close()

    def on_message_begin(self) -> None:
        self._reading_head = True
        self._head_bytes = 0
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._reading_head = False
        super().on_headers_complete()
