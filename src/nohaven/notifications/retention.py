"""Forgetting what e-mail no longer needs: messages the mail server took (or refused for good)
and their delivery log, and the traces of password-reset requests, once they are older than
``settings.mail.keep_days`` (reset requests: ``reset_keep_hours``). An outbox row holds an
address and a reset row keyed hashes of one: personal data, kept no longer than the
secretariat needs to answer "did it go out?".

Run by the job runner (``notifications.purge``); a message still waiting is never purged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from nohaven.auth import password_reset
from nohaven.notifications.models import MailAttempt, MailStatus, OutboxMessage

FINISHED = (MailStatus.SENT, MailStatus.BOUNCED, MailStatus.FAILED)


@dataclass(frozen=True)
class Purged:
    messages: int
    attempts: int
    resets: int


def purge(session: Session, *, now: datetime, keep_days: int, reset_keep_hours: int) -> Purged:
    cutoff = now - timedelta(days=keep_days)
    old = select(OutboxMessage.id).where(
        OutboxMessage.status.in_([str(s) for s in FINISHED]),
        OutboxMessage.created_at < cutoff,
    )
    attempts = session.execute(delete(MailAttempt).where(MailAttempt.message_id.in_(old)))
    messages = session.execute(
        delete(OutboxMessage).where(OutboxMessage.id.in_(old.scalar_subquery()))
    )
    resets = password_reset.purge_before(session, now - timedelta(hours=reset_keep_hours))
    return Purged(messages=_count(messages), attempts=_count(attempts), resets=resets)


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
