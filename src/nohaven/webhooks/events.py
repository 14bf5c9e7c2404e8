"""The kinds of event an endpoint may receive, and publishing one: a delivery row for every
endpoint of the organisation that chose the kind, written in the caller's transaction, so an
event is never sent for a change that rolled back and never lost when a receiver is down.

What an event carries: its kind, identifiers and the path of the page where an authorised
person reads the details (made a full link when sent). The text of the notice (its title and
body, which never hold personal data or selectors) is added only where the organisation's
admin opted the kind into full payloads on that endpoint."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id
from nohaven.notifications.models import Notice
from nohaven.webhooks import repository
from nohaven.webhooks.models import Delivery


@dataclass(frozen=True)
class EventKind:
    key: str
    label: str


EVENT_KINDS: dict[str, EventKind] = {
    k.key: k
    for k in (
        EventKind("travel.notification", "Travel notification received"),
        EventKind("travel.escalation", "Travel notification escalated (overdue)"),
        EventKind("travel.amended", "Travel notification amended"),
        EventKind("travel.withdrawn", "Travel notification withdrawn"),
        EventKind("travel.response", "Response to a travel notification"),
        EventKind("travel.acknowledged", "Travel notification acknowledged"),
        EventKind("deconfliction.hit", "Deconfliction hit"),
        EventKind("hashes.list.changed", "Hash list changed"),
        EventKind("governance.motion.opened", "Motion opened for votes"),
        EventKind("governance.motion.closed", "Motion closed"),
        EventKind("governance.meeting.invitation", "Meeting invitation"),
        EventKind("operations.invitation", "Invitation to a joint operation"),
        EventKind("operations.referral", "Referral in a joint operation"),
        EventKind("operations.escalation", "Referral escalated (overdue)"),
        EventKind("operations.deconfliction", "A participant holds the same target"),
        EventKind("webhooks.test", "Test event (sent by hand)"),
    )
}


def publish(
    session: Session,
    *,
    organisation_id: str,
    kind: str,
    data: Mapping[str, str | None],
    text: Mapping[str, str] | None = None,
) -> list[Delivery]:
    """Queue ``kind`` for the organisation's endpoints that chose it. ``data`` holds
    identifiers and a ``path``; ``text`` goes only to endpoints that want this kind in full."""
    if kind not in EVENT_KINDS:
        return []
    queued = []
    now = utcnow()
    for endpoint in repository.endpoints_of(session, organisation_id):
        if kind not in endpoint.kinds:
            continue
        full = kind in endpoint.full_payload_kinds and text is not None
        body = {**data, **(text or {})} if full else dict(data)
        message_id = f"msg_{new_id()}"
        payload = {"type": kind, "timestamp": now.isoformat(), "id": message_id, "data": body}
        delivery = Delivery(
            id=message_id,
            endpoint_id=endpoint.id,
            kind=kind,
            payload=json.dumps(payload, sort_keys=True),
            next_attempt_at=now,
            created_at=now,
        )
        session.add(delivery)
        queued.append(delivery)
    if queued:
        session.flush()
    return queued


def publish_notice(
    session: Session, notice: Notice, *, extra: Mapping[str, str | None] | None = None
) -> list[Delivery]:
    """A notice as an event of its kind: its id and the path of its page; its title and body
    (written by the domains free of personal data and selectors) only in full payloads."""
    return publish(
        session,
        organisation_id=notice.organisation_id,
        kind=notice.kind,
        data={
            **(extra or {}),
            "notice_id": notice.id,
            "path": notice.link or f"/inbox/{notice.id}",
        },
        text={"title": notice.title, "body": notice.body},
    )
