"""The e-mail outbox: messages are written in the caller's transaction and sent later by the
job runner (``notifications.send_mail``), so a change that rolls back sends nothing and a mail
server that is down delays a message but never loses it.

What a message may say is fixed here, not by its callers: the kind in people's words and a
link to a page that asks the reader to sign in. Never a notice's title or body, a travel
subject's personal data, a selector, a hash or anything under TLP:AMBER or RED.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.kit.clock import utcnow
from nohaven.members.models import User
from nohaven.notifications.models import MailAttempt, MailStatus, OutboxMessage

SIGN_OFF = (
    "You receive this because of your account on nohaven. The details are only on the "
    "platform: the link asks you to sign in.\n"
    "To change which notices reach you by e-mail, open Account > Notices."
)

# A message to someone without an account (a reply to the public contact form).
PUBLIC_SIGN_OFF = (
    "You receive this in answer to the message you sent through the public contact form of "
    "an alliance on nohaven. Reply to this address if you wish to write again."
)


def enqueue(
    session: Session,
    *,
    kind: str,
    to_address: str,
    subject: str,
    text: str,
    link: str | None,
    user_id: str | None = None,
    calendar: str | None = None,
    calendar_method: str | None = None,
    params: dict[str, Any] | None = None,
) -> OutboxMessage:
    """Put one message in the outbox, in the caller's transaction."""
    message = OutboxMessage(
        kind=kind,
        user_id=user_id,
        to_address=to_address,
        subject=subject[:200],
        text=text,
        link=link,
        calendar=calendar,
        calendar_method=calendar_method,
        params=params,
        status=MailStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(message)
    session.flush()
    return message


def enqueue_notice(
    session: Session, *, kind: str, label: str, to_address: str, user_id: str, link: str
) -> OutboxMessage:
    """The e-mail of one notice: its kind in people's words and a link, nothing else."""
    return enqueue(
        session,
        kind=kind,
        to_address=to_address,
        user_id=user_id,
        subject=f"nohaven: {label}",
        text=f"You have a new notice on nohaven: {label}.\n\nOpen it on the platform:",
        link=link,
        params={"wording": "notice", "kind": kind},
    )


def full_text(
    message: OutboxMessage, *, site_url: str, text: str | None = None, sign_off: str = SIGN_OFF
) -> str:
    """The message as sent: its text (worded in the recipient's language, or as stored), the
    link under the site's address, the sign-off."""
    parts = [text if text is not None else message.text]
    if message.link:
        parts.append(site_url.rstrip("/") + message.link)
    parts.append("-- \n" + sign_off)
    return "\n\n".join(parts)


def languages(session: Session, user_ids: set[str]) -> dict[str, str | None]:
    """The language each recipient chose on their profile (None: the deployment's default)."""
    if not user_ids:
        return {}
    query = select(User.id, User.language).where(User.id.in_(user_ids))
    return {row.id: row.language for row in session.execute(query)}


def due(session: Session, *, now: datetime, limit: int) -> Sequence[OutboxMessage]:
    return (
        session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.status == MailStatus.PENDING, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.created_at)
            .limit(limit)
        )
        .scalars()
        .all()
    )


def backoff(attempts: int, *, base_seconds: float, max_seconds: float) -> timedelta:
    """The wait before the next attempt after ``attempts`` failed ones: doubling each time."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), max_seconds))


def record_attempt(
    session: Session,
    message: OutboxMessage,
    *,
    outcome: str,
    detail: str,
    now: datetime,
    next_attempt_at: datetime | None = None,
) -> None:
    """Log an attempt and move the message on: sent, bounced, failed or due again later."""
    message.attempts += 1
    session.add(
        MailAttempt(message_id=message.id, attempted_at=now, outcome=outcome, detail=detail[:300])
    )
    if outcome == "deferred" and next_attempt_at is not None:
        message.next_attempt_at = next_attempt_at
        message.last_error = detail[:300]
    elif outcome == "sent":
        message.status = MailStatus.SENT
        message.sent_at = now
        message.last_error = None
    else:
        message.status = MailStatus.BOUNCED if outcome == "bounced" else MailStatus.FAILED
        message.last_error = detail[:300]
    if message.status != MailStatus.PENDING and message.kind in ONE_TIME_LINKS:
        # A one-time link lives in the outbox only until it is sent (or can never be).
        message.link = None


# Kinds whose link carries a secret token (its hash alone is kept where it is checked).
ONE_TIME_LINKS = frozenset({"auth.password_reset", "members.invitation"})


def undelivered(session: Session, *, limit: int = 200) -> Sequence[OutboxMessage]:
    """Messages that bounced or failed, and those still waiting after a failed attempt."""
    return (
        session.execute(
            select(OutboxMessage)
            .where(
                (OutboxMessage.status.in_([MailStatus.BOUNCED, MailStatus.FAILED]))
                | ((OutboxMessage.status == MailStatus.PENDING) & (OutboxMessage.attempts > 0))
            )
            .order_by(OutboxMessage.created_at.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )


def recent_attempts(
    session: Session, *, limit: int = 100
) -> Sequence[tuple[MailAttempt, OutboxMessage]]:
    rows = session.execute(
        select(MailAttempt, OutboxMessage)
        .join(OutboxMessage, OutboxMessage.id == MailAttempt.message_id)
        .order_by(MailAttempt.attempted_at.desc())
        .limit(limit)
    ).all()
    return [(a, m) for a, m in rows]
