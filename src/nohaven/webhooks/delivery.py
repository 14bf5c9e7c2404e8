"""Sending due deliveries: signed, retried with exponential backoff, logged with the
receiver's answer, and an endpoint that keeps failing paused with a notice to its admins.

Run by the job runner (``webhooks.deliver``). The job holds its run's lock while it sends,
so a delivery is never sent by two processes at once; a receiver gets at most
``timeout_seconds`` of that time per message."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

import httpx
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import WebhookSettings
from nohaven.kit import crypto
from nohaven.kit.clock import utcnow
from nohaven.notifications import service as notifications
from nohaven.webhooks import addresses, repository, service, signing
from nohaven.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint

USER_AGENT = "nohaven-webhooks/1"


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Transport(Protocol):
    def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> Answer: ...


class HttpTransport:
    """POSTs with httpx. Redirects are not followed: a signed body goes only where the
    admin registered it. The host is resolved and its addresses checked by the ``guard``
    before each POST, and the connection goes to the checked address (the name still sent
    as Host and as the TLS server name, so the certificate is verified against it): a name
    re-pointed at an internal address between check and connect gains nothing."""

    def __init__(self, timeout_seconds: float, guard: addresses.Guard) -> None:
        self._client = httpx.Client(timeout=timeout_seconds, follow_redirects=False)
        self._guard = guard

    def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> Answer:
        try:
            checked = self._guard.addresses(url)
        except addresses.RefusedAddress as exc:
            return Answer(None, f"Refused: {exc.detail}"[:200])
        except addresses.UnresolvedHost:
            return Answer(None, "UnresolvedHost")
        target = httpx.URL(url)
        pinned = target.copy_with(host=str(checked[0]))
        try:
            response = self._client.post(
                pinned,
                content=body,
                headers={**headers, "host": target.netloc.decode("ascii")},
                extensions={"sni_hostname": target.host},
            )
        except httpx.HTTPError as exc:
            return Answer(None, type(exc).__name__)
        return Answer(response.status_code)

    def close(self) -> None:
        self._client.close()


@dataclass
class Report:
    counts: dict[str, int] = field(
        default_factory=lambda: {"delivered": 0, "retrying": 0, "failed": 0, "paused": 0}
    )
    full: bool = False


def backoff(settings: WebhookSettings, attempts: int) -> timedelta:
    """The wait before the next try after ``attempts`` failed ones: base, 2 x base, 4 x base…
    up to the longest wait."""
    seconds = settings.retry_base_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.retry_max_seconds))


def body_of(delivery: Delivery, *, site_url: str) -> bytes:
    """The JSON body: the stored payload with its page's path made a full link."""
    payload = json.loads(delivery.payload)
    path = payload.get("data", {}).get("path")
    if isinstance(path, str) and path.startswith("/"):
        payload["data"]["url"] = site_url.rstrip("/") + path
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def deliver_due(
    session: Session,
    *,
    settings: WebhookSettings,
    site_url: str,
    keyring: crypto.Keyring,
    transport: Transport,
    now: datetime,
) -> Report:
    report = Report()
    due = repository.due(session, now=now, limit=settings.batch)
    report.full = len(due) >= settings.batch
    paused: set[str] = set()
    for delivery in due:
        endpoint = delivery.endpoint
        if endpoint.id in paused:
            continue  # paused during this run: the rest wait for its resumption
        answer = _attempt(
            delivery,
            endpoint,
            site_url=site_url,
            keyring=keyring,
            transport=transport,
            session=session,
        )
        if answer.ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            endpoint.consecutive_failures = 0
            report.counts["delivered"] += 1
            continue
        endpoint.consecutive_failures += 1
        if delivery.attempts >= settings.max_attempts:
            delivery.status = DeliveryStatus.FAILED
            report.counts["failed"] += 1
        else:
            delivery.next_attempt_at = now + backoff(settings, delivery.attempts)
            report.counts["retrying"] += 1
        if endpoint.consecutive_failures >= settings.pause_after_failures:
            _pause(session, endpoint, answer)
            paused.add(endpoint.id)
            report.counts["paused"] += 1
    session.flush()
    return report


def _attempt(
    delivery: Delivery,
    endpoint: Endpoint,
    *,
    site_url: str,
    keyring: crypto.Keyring,
    transport: Transport,
    session: Session,
) -> Answer:
    sent_at = utcnow()
    body = body_of(delivery, site_url=site_url)
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        **signing.headers(
            message_id=delivery.id,
            timestamp=sent_at,
            body=body.decode(),
            secrets_=service.signing_secrets(endpoint, keyring=keyring, now=sent_at),
        ),
    }
    started = time.monotonic()
    answer = transport.post(endpoint.url, body=body, headers=headers)
    delivery.attempts += 1
    delivery.last_status_code = answer.status_code
    delivery.last_error = None if answer.ok else (answer.error or f"HTTP {answer.status_code}")
    session.add(
        Attempt(
            delivery_id=delivery.id,
            attempted_at=sent_at,
            status_code=answer.status_code,
            error=delivery.last_error,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    )
    return answer


def _pause(session: Session, endpoint: Endpoint, answer: Answer) -> None:
    why = answer.error or f"HTTP {answer.status_code}"
    service.mark_paused(
        endpoint, reason=f"{endpoint.consecutive_failures} failed attempts in a row ({why})"
    )
    notifications.notify(
        session,
        actor=Actor.system("webhooks"),
        organisation_id=endpoint.organisation_id,
        kind="webhooks.paused",
        title="A webhook endpoint was paused after repeated failures",
        body=(f"Deliveries wait until an administrator resumes it. Last answer: {why}."),
        link=f"/webhooks/{endpoint.id}",
    )
