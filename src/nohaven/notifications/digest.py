"""The daily digest: one e-mail per person summarising the notices they chose to hear of once
a day ("3 assessments approved"), with a link to their inbox. Like every e-mail it names
kinds and counts only."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.members.models import User
from nohaven.notifications import outbox
from nohaven.notifications.kinds import kind_of
from nohaven.notifications.models import Delivery, Notice, NoticeAddressee

# A digest waits for the chosen hour, but never longer than this.
LONGEST_WAIT = timedelta(hours=24)


def send_digests(session: Session, *, now: datetime, hour: int) -> int:
    """Write the digests that are due into the outbox; returns how many."""
    rows = session.execute(
        select(NoticeAddressee, Notice.kind, Notice.created_at, User.email, User.is_active)
        .join(Notice, Notice.id == NoticeAddressee.notice_id)
        .join(User, User.id == NoticeAddressee.user_id)
        .where(
            NoticeAddressee.delivery == Delivery.DIGEST,
            NoticeAddressee.mailed_at.is_(None),
        )
        .order_by(NoticeAddressee.user_id)
    ).all()
    by_person: dict[str, list[tuple[NoticeAddressee, str, datetime, str, bool]]] = {}
    for row in rows:
        by_person.setdefault(row[0].user_id, []).append(tuple(row))  # type: ignore[arg-type]
    sent = 0
    for user_id, items in by_person.items():
        oldest = min(created for _, _, created, _, _ in items)
        if now.hour != hour and now - oldest < LONGEST_WAIT:
            continue
        _, _, _, email, active = items[0]
        for addressee, *_ in items:
            addressee.mailed_at = now
        if not active:
            continue
        counts = Counter(kind for _, kind, _, _, _ in items)
        lines = [f"- {kind_of(kind).summary(n)}" for kind, n in counts.most_common()]
        outbox.enqueue(
            session,
            kind="notifications.digest",
            to_address=email,
            user_id=user_id,
            subject=f"nohaven: your daily digest ({sum(counts.values())} notices)",
            text="Since your last digest:\n\n" + "\n".join(lines) + "\n\nRead them in your inbox:",
            link="/inbox?mine=true",
            params={"wording": "digest", "counts": dict(counts.most_common())},
        )
        sent += 1
    session.flush()
    return sent
