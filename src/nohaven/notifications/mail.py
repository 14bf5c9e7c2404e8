"""Handing the outbox to a mail server over SMTP (the standard library's ``smtplib``), one
connection per run of the sending job, each message logged as an attempt."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from sqlalchemy.orm import Session

from nohaven.config import MailSettings
from nohaven.kit.i18n import SOURCE_LANGUAGE
from nohaven.notifications import emails, outbox
from nohaven.notifications.models import OutboxMessage


class Refused(Exception):
    """The server refused one message; ``permanent`` for a 5xx answer (a bounce)."""

    def __init__(self, detail: str, *, permanent: bool) -> None:
        super().__init__(detail)
        self.permanent = permanent


class Connection(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class Transport(Protocol):
    """A way to reach a mail server: SMTP in production and in the tests alike."""

    def connect(self) -> AbstractContextManager[Connection]: ...


def build(
    message: OutboxMessage, *, settings: MailSettings, language: str = SOURCE_LANGUAGE
) -> EmailMessage:
    """The e-mail of one outbox message, worded in ``language`` where it has a wording."""
    worded = emails.word(message.params, language=language)
    email = EmailMessage()
    email["From"] = settings.from_address
    email["To"] = message.to_address
    email["Subject"] = worded[0].subject if worded else message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=message.id, domain=_domain(settings.from_address))
    email["Auto-Submitted"] = "auto-generated"
    if worded is not None:
        text = outbox.full_text(
            message, site_url=settings.site_url, text=worded[0].text, sign_off=worded[1]
        )
    else:
        to_public = (message.params or {}).get("to") == "public"
        sign_off = outbox.PUBLIC_SIGN_OFF if to_public else outbox.SIGN_OFF
        text = outbox.full_text(message, site_url=settings.site_url, sign_off=sign_off)
    email.set_content(text)
    if message.calendar:
        method = message.calendar_method or "REQUEST"
        # Calendar programs read the method from the part's Content-Type (RFC 6047).
        email.add_attachment(
            message.calendar.encode(),
            maintype="text",
            subtype="calendar",
            filename="invite.ics" if method != "CANCEL" else "cancel.ics",
            params={"method": method, "charset": "utf-8"},
        )
    if worded is not None:  # last: setting content or attaching moves Content-* headers
        email["Content-Language"] = language
    return email


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip(">") or "localhost"


class _SmtpConnection:
    def __init__(self, client: smtplib.SMTP) -> None:
        self._client = client

    def send(self, message: EmailMessage) -> None:
        try:
            refused = self._client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise Refused(_answer(exc.recipients), permanent=all(c >= 500 for c in codes)) from exc
        except smtplib.SMTPResponseException as exc:
            detail = f"{exc.smtp_code} {exc.smtp_error!r}"
            raise Refused(detail, permanent=exc.smtp_code >= 500) from exc
        if refused:  # pragma: no cover - one recipient per message: all or nothing above
            raise Refused(_answer(refused), permanent=True)


def _answer(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{code} {text.decode(errors='replace')}" for code, text in recipients.values()
    )


@dataclass
class SmtpTransport:
    settings: MailSettings

    @contextmanager
    def connect(self) -> Iterator[_SmtpConnection]:
        s = self.settings
        context = ssl.create_default_context(cafile=str(s.ca_file) if s.ca_file else None)
        client: smtplib.SMTP
        if s.security == "tls":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds, context=context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        try:
            client.ehlo()
            if s.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if s.user:
                client.login(s.user, s.password.get_secret_value())
            yield _SmtpConnection(client)
        finally:
            try:
                client.quit()
            except smtplib.SMTPException:
                client.close()


@dataclass
class SendReport:
    counts: dict[str, int] = field(
        default_factory=lambda: {"sent": 0, "deferred": 0, "bounced": 0, "failed": 0}
    )
    full: bool = False


def deliver_due(
    session: Session,
    *,
    settings: MailSettings,
    transport: Transport,
    now: datetime,
    default_language: str = SOURCE_LANGUAGE,
) -> SendReport:
    """Send what is due, oldest first; log each attempt. A server that cannot be reached
    defers every due message with a doubling wait; after ``max_attempts`` a message fails."""
    report = SendReport()
    messages = outbox.due(session, now=now, limit=settings.batch)
    if not messages:
        return report
    report.full = len(messages) == settings.batch
    chosen = outbox.languages(session, {m.user_id for m in messages if m.user_id})
    handled: set[str] = set()
    try:
        with transport.connect() as connection:
            for message in messages:
                language = chosen.get(message.user_id or "") or default_language
                _send_one(
                    session,
                    connection,
                    message,
                    settings=settings,
                    now=now,
                    report=report,
                    language=language,
                )
                handled.add(message.id)
    except (OSError, smtplib.SMTPException) as exc:
        # The server is away, or dropped us: what was not sent waits for the next attempt.
        unsent = [m for m in messages if m.id not in handled]
        _defer(session, unsent, detail=_describe(exc), settings=settings, now=now, report=report)
    session.flush()
    return report


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def _send_one(
    session: Session,
    connection: Connection,
    message: OutboxMessage,
    *,
    settings: MailSettings,
    now: datetime,
    report: SendReport,
    language: str,
) -> None:
    try:
        connection.send(build(message, settings=settings, language=language))
    except Refused as exc:
        if exc.permanent:
            outbox.record_attempt(session, message, outcome="bounced", detail=str(exc), now=now)
            report.counts["bounced"] += 1
        else:
            _defer(session, [message], detail=str(exc), settings=settings, now=now, report=report)
        return
    outbox.record_attempt(session, message, outcome="sent", detail="accepted", now=now)
    report.counts["sent"] += 1


def _defer(
    session: Session,
    messages: Sequence[OutboxMessage],
    *,
    detail: str,
    settings: MailSettings,
    now: datetime,
    report: SendReport,
) -> None:
    for message in messages:
        if message.attempts + 1 >= settings.max_attempts:
            outbox.record_attempt(session, message, outcome="failed", detail=detail, now=now)
            report.counts["failed"] += 1
            continue
        wait = outbox.backoff(
            message.attempts + 1,
            base_seconds=settings.retry_base_seconds,
            max_seconds=settings.retry_max_seconds,
        )
        outbox.record_attempt(
            session, message, outcome="deferred", detail=detail, now=now, next_attempt_at=now + wait
        )
        report.counts["deferred"] += 1
