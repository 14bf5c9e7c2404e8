"""A real SMTP server for the tests (aiosmtpd on loopback), keeping what it received.

Every message any test makes the platform send lands here, and the suite searches all of them
for what an e-mail must never say (see ``forbidden``)."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

# Addresses at this domain are refused for good (550), as a mail server does for a mailbox
# that does not exist: the platform must mark such a message bounced.
BOUNCING_DOMAIN = "bounces.example"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        return body.get_content() if body is not None else ""

    def calendar(self) -> str | None:
        for part in self.message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                content = part.get_content()
                return content.decode() if isinstance(content, bytes) else str(content)
        return None


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.endswith("@" + BOUNCING_DOMAIN):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 Message accepted"


class SmtpServer:
    """aiosmtpd on a free loopback port; ``stop()`` and ``start()`` take it down and up again
    on the same port, as a mail server going away and coming back."""

    def __init__(self) -> None:
        self.handler = Handler()
        self.host = "127.0.0.1"
        self.port = free_port()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str, since: int = 0) -> list[Received]:
        return [r for r in self.received[since:] if address in r.recipients]
