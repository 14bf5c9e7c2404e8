"""Rules of the webhooks domain: registering endpoints, their secrets, pausing and resuming,
and reading the delivery log. Every change is audited in its transaction; a secret is never
written to the audit log or returned twice."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, hidden, require
from nohaven.errors import Conflict, InvalidInput
from nohaven.kit import crypto
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id
from nohaven.webhooks import addresses, repository, signing
from nohaven.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint, EndpointState
from nohaven.webhooks.schemas import EndpointCreate, EndpointUpdate


@dataclass(frozen=True)
class Issued:
    endpoint: Endpoint
    secret: str


def _context(endpoint: Endpoint, field: str) -> str:
    return f"webhook_endpoints.{field}:{endpoint.id}"


def _full_kinds(kinds: Sequence[str], full: Sequence[str]) -> list[str]:
    extra = sorted(set(full) - set(kinds))
    if extra:
        raise InvalidInput(f"Full payloads chosen for kinds not received: {', '.join(extra)}.")
    return sorted(set(full))


def organisations_listening(session: Session, kind: str) -> set[str]:
    """Organisations with an endpoint that chose ``kind`` (paused ones included: their
    deliveries wait). For other domains deciding whom to tell of a change."""
    return {e.organisation_id for e in repository.all_endpoints(session) if kind in e.kinds}


def list_endpoints(session: Session, *, actor: Actor) -> Sequence[Endpoint]:
    require(actor, Action.LIST, Endpoint)
    if actor.organisation_id is None:
        return []
    return repository.endpoints_of(session, actor.organisation_id)


def get_endpoint(
    session: Session, *, actor: Actor, endpoint_id: str, action: Action = Action.READ
) -> Endpoint:
    endpoint = repository.endpoint(session, endpoint_id, for_update=action != Action.READ)
    if endpoint is None:
        raise hidden(Endpoint)
    require(actor, action, endpoint)
    return endpoint


def register_endpoint(
    session: Session,
    *,
    actor: Actor,
    data: EndpointCreate,
    keyring: crypto.Keyring,
    guard: addresses.Guard,
) -> Issued:
    if actor.organisation_id is None:
        raise InvalidInput("Only a member of an organisation registers its endpoints.")
    endpoint = Endpoint(
        id=new_id(),
        organisation_id=actor.organisation_id,
        url=guard.check_url(str(data.url)),
        description=data.description.strip(),
        kinds=list(data.kinds),
        full_payload_kinds=_full_kinds(data.kinds, data.full_payload_kinds),
        created_by_id=actor.user_id,
        state=EndpointState.ACTIVE,
        consecutive_failures=0,
    )
    require(actor, Action.CREATE, endpoint)
    secret = signing.new_secret()
    endpoint.secret_sealed = crypto.seal(keyring, secret, context=_context(endpoint, "secret"))
    session.add(endpoint)
    session.flush()
    _audit(session, actor, "webhook_endpoint.create", endpoint, {"kinds": endpoint.kinds})
    return Issued(endpoint, secret)


def update_endpoint(
    session: Session, *, actor: Actor, endpoint_id: str, data: EndpointUpdate
) -> Endpoint:
    endpoint = get_endpoint(session, actor=actor, endpoint_id=endpoint_id, action=Action.UPDATE)
    if data.description is not None:
        endpoint.description = data.description.strip()
    if data.kinds is not None:
        endpoint.kinds = list(data.kinds)
    full = data.full_payload_kinds
    if full is None:  # narrowing the kinds narrows the full ones with them
        full = [k for k in endpoint.full_payload_kinds if k in endpoint.kinds]
    endpoint.full_payload_kinds = _full_kinds(endpoint.kinds, full)
    session.flush()
    _audit(
        session,
        actor,
        "webhook_endpoint.update",
        endpoint,
        {"kinds": endpoint.kinds, "full_payload_kinds": endpoint.full_payload_kinds},
    )
    return endpoint


def rotate_secret(
    session: Session,
    *,
    actor: Actor,
    endpoint_id: str,
    keyring: crypto.Keyring,
    grace: timedelta,
) -> Issued:
    """A new secret signs from now on; the one it replaces signs too until ``grace`` has
    passed, so the receiver can switch without losing a message."""
    endpoint = get_endpoint(session, actor=actor, endpoint_id=endpoint_id, action=Action.UPDATE)
    current = crypto.unseal(keyring, endpoint.secret_sealed, context=_context(endpoint, "secret"))
    endpoint.previous_secret_sealed = crypto.seal(
        keyring, current, context=_context(endpoint, "previous_secret")
    )
    endpoint.previous_secret_expires_at = utcnow() + grace
    secret = signing.new_secret()
    endpoint.secret_sealed = crypto.seal(keyring, secret, context=_context(endpoint, "secret"))
    session.flush()
    _audit(
        session,
        actor,
        "webhook_endpoint.rotate_secret",
        endpoint,
        {"previous_valid_until": endpoint.previous_secret_expires_at.isoformat()},
    )
    return Issued(endpoint, secret)


def signing_secrets(endpoint: Endpoint, *, keyring: crypto.Keyring, now: datetime) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the previous one
    during its grace period."""
    found = [crypto.unseal(keyring, endpoint.secret_sealed, context=_context(endpoint, "secret"))]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_sealed is not None and expires is not None and expires > now:
        found.append(
            crypto.unseal(
                keyring,
                endpoint.previous_secret_sealed,
                context=_context(endpoint, "previous_secret"),
            )
        )
    return found


def pause_endpoint(session: Session, *, actor: Actor, endpoint_id: str) -> Endpoint:
    endpoint = get_endpoint(session, actor=actor, endpoint_id=endpoint_id, action=Action.UPDATE)
    if endpoint.state == EndpointState.PAUSED:
        raise Conflict("This endpoint is paused already.")
    mark_paused(endpoint, reason="paused by an administrator")
    session.flush()
    _audit(session, actor, "webhook_endpoint.pause", endpoint, {})
    return endpoint


def mark_paused(endpoint: Endpoint, *, reason: str) -> None:
    endpoint.state = EndpointState.PAUSED
    endpoint.paused_at = utcnow()
    endpoint.pause_reason = reason[:200]


def resume_endpoint(session: Session, *, actor: Actor, endpoint_id: str) -> Endpoint:
    """Deliveries that waited while it was paused are sent at once, in order."""
    endpoint = get_endpoint(session, actor=actor, endpoint_id=endpoint_id, action=Action.UPDATE)
    if endpoint.state == EndpointState.ACTIVE:
        raise Conflict("This endpoint is active already.")
    endpoint.state = EndpointState.ACTIVE
    endpoint.paused_at = None
    endpoint.pause_reason = None
    endpoint.consecutive_failures = 0
    now = utcnow()
    for waiting in repository.deliveries(
        session, endpoint.id, status=DeliveryStatus.PENDING, limit=10_000
    ):
        waiting.next_attempt_at = min(waiting.next_attempt_at, now)
    session.flush()
    _audit(session, actor, "webhook_endpoint.resume", endpoint, {})
    return endpoint


def delete_endpoint(session: Session, *, actor: Actor, endpoint_id: str) -> Endpoint:
    endpoint = get_endpoint(session, actor=actor, endpoint_id=endpoint_id, action=Action.DELETE)
    _audit(session, actor, "webhook_endpoint.delete", endpoint, {"url": endpoint.url})
    session.delete(endpoint)
    session.flush()
    return endpoint


def send_test(session: Session, *, actor: Actor, endpoint_id: str) -> Delivery:
    """A test event to this endpoint alone, whatever kinds it chose."""
    endpoint = get_endpoint(session, actor=actor, endpoint_id=endpoint_id, action=Action.UPDATE)
    now = utcnow()
    message_id = f"msg_{new_id()}"
    payload = {
        "type": "webhooks.test",
        "timestamp": now.isoformat(),
        "id": message_id,
        "data": {"endpoint_id": endpoint.id, "path": f"/webhooks/{endpoint.id}"},
    }
    delivery = Delivery(
        id=message_id,
        endpoint_id=endpoint.id,
        kind="webhooks.test",
        payload=json.dumps(payload, sort_keys=True),
        next_attempt_at=now,
        created_at=now,
        status=DeliveryStatus.PENDING,
        attempts=0,
    )
    session.add(delivery)
    session.flush()
    _audit(session, actor, "webhook_endpoint.test", endpoint, {"delivery": delivery.id})
    return delivery


def redeliver(session: Session, *, actor: Actor, endpoint_id: str, delivery_id: str) -> Delivery:
    """Send a failed delivery again (the same message id: receivers can tell a repeat)."""
    endpoint = get_endpoint(session, actor=actor, endpoint_id=endpoint_id, action=Action.UPDATE)
    delivery = repository.delivery(session, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        raise InvalidInput("No such delivery of this endpoint.")
    if delivery.status != DeliveryStatus.FAILED:
        raise Conflict("Only a failed delivery is sent again.")
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = utcnow()
    session.flush()
    _audit(session, actor, "webhook_endpoint.redeliver", endpoint, {"delivery": delivery.id})
    return delivery


@dataclass(frozen=True)
class LogLine:
    delivery: Delivery
    attempts: list[Attempt]


def delivery_log(
    session: Session, *, actor: Actor, endpoint_id: str, limit: int = 100
) -> tuple[Endpoint, list[LogLine]]:
    endpoint = get_endpoint(session, actor=actor, endpoint_id=endpoint_id)
    rows = repository.deliveries(session, endpoint.id, limit=limit)
    history = repository.attempts(session, [d.id for d in rows])
    return endpoint, [LogLine(d, history[d.id]) for d in rows]


def _audit(
    session: Session, actor: Actor, action: str, endpoint: Endpoint, summary: dict[str, object]
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        resource_type="webhook_endpoint",
        resource_id=endpoint.id,
        organisation_id=endpoint.organisation_id,
        summary=summary,
    )
