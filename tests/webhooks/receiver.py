"""A real HTTP receiver for the webhook tests: a threaded ``http.server`` on loopback that
checks every delivery's Standard Webhooks signature with the scheme's reference library, as
an agency's system would, and answers with whatever status the test sets."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool
    payload: dict[str, Any] | None

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


@dataclass
class Receiver:
    """``secrets``: the ones this receiver knows (a receiver mid-rotation knows one of two).
    ``answer``: the status it gives; ``stop()`` takes it off the network entirely."""

    secrets: list[str] = field(default_factory=list)
    answer: int = 204
    received: list[Received] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> Receiver:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                payload = None
                for secret in owner.secrets:
                    try:
                        payload = Webhook(secret).verify(body, headers)
                        break
                    except WebhookVerificationError:
                        continue
                owner.received.append(Received(headers, body, payload is not None, payload))
                self.send_response(owner.answer if payload is not None else 401)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def verified(self) -> list[dict[str, Any]]:
        return [r.payload for r in self.received if r.verified and r.payload is not None]

    def kinds(self) -> list[str]:
        return [p["type"] for p in self.verified()]
