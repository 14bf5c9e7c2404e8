"""The secretariat's view of e-mail delivery: what bounced or failed, what waits for a retry,
the delivery log, and sending a message again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import Conflict, NotFound
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import is_id
from nohaven.notifications import outbox
from nohaven.notifications.models import MailAttempt, MailStatus, OutboxMessage


@dataclass(frozen=True)
class Overview:
    counts: dict[str, int]
    undelivered: Sequence[OutboxMessage]
    log: Sequence[tuple[MailAttempt, OutboxMessage]]


def overview(session: Session, *, actor: Actor) -> Overview:
    require(actor, Action.LIST, OutboxMessage)
    counts = dict(
        session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return Overview(
        counts={status.value: int(counts.get(status.value, 0)) for status in MailStatus},
        undelivered=outbox.undelivered(session),
        log=outbox.recent_attempts(session),
    )


def retry(session: Session, *, actor: Actor, message_id: str) -> OutboxMessage:
    """Send a bounced or failed message again (after its address was corrected, say)."""
    message = session.get(OutboxMessage, message_id) if is_id(message_id) else None
    if message is None:
        raise NotFound("No such message.")
    require(actor, Action.UPDATE, message)
    if message.status not in {MailStatus.BOUNCED, MailStatus.FAILED}:
        raise Conflict("Only a message that bounced or failed can be sent again.")
    if message.kind in outbox.ONE_TIME_LINKS:
        raise Conflict("A one-time link is not kept: ask for a new one instead.")
    message.status = MailStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="mail.retry",
        resource_type="mail_message",
        resource_id=message.id,
        summary={"kind": message.kind},
    )
    return message
