"""The change feed of a hash list (entries added, changed and tombstoned, in sequence) and
its export. Every function asks the policy first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action
from nohaven.errors import InvalidInput
from nohaven.hashes import repository as repo
from nohaven.hashes.models import HashEntry, HashList
from nohaven.hashes.service import get_list, record_audit

FEED_PAGE_MAX = 5000


def change_kind(entry: HashEntry) -> str:
    if entry.tombstoned_at is not None:
        return "tombstoned"
    return "added" if entry.seq == entry.created_seq else "updated"


@dataclass
class ChangePage:
    hash_list: HashList
    since: int
    checkpoint: int
    more: bool
    entries: Sequence[HashEntry]


def changes(
    session: Session, *, actor: Actor, list_id: str, since: int, limit: int = 1000
) -> ChangePage:
    """The entries changed after checkpoint ``since``, in change order, each in its latest
    state; resume from the returned checkpoint."""
    if since < 0:
        raise InvalidInput("A checkpoint is a non-negative integer.")
    limit = max(1, min(limit, FEED_PAGE_MAX))
    hash_list = get_list(session, actor=actor, list_id=list_id, action=Action.EXPORT)
    found = repo.changes(session, list_id, since, limit + 1)
    more = len(found) > limit
    page = found[:limit]
    checkpoint = page[-1].seq if page else max(since, 0)
    if not more and not page:
        checkpoint = max(since, 0)
    record_audit(session, actor, "feed_read", hash_list, since=since, count=len(page))
    return ChangePage(hash_list, since, checkpoint, more, page)


def export_entries(session: Session, *, actor: Actor, list_id: str) -> tuple[HashList, Any]:
    """The list and an iterator over its live entries, for an exporter to write as it reads."""
    hash_list = get_list(session, actor=actor, list_id=list_id, action=Action.EXPORT)
    record_audit(session, actor, "export", hash_list, checkpoint=hash_list.change_seq)
    return hash_list, repo.stream_live_entries(session, list_id)


# The columns a peer's copy needs, in this order (``change_rows``).
ROW_COLUMNS = (
    HashEntry.seq,
    HashEntry.created_seq,
    HashEntry.id,
    HashEntry.signal_type,
    HashEntry.value,
    HashEntry.pdq_quality,
    HashEntry.classification_scheme,
    HashEntry.classification,
    HashEntry.series,
    HashEntry.victim_identified,
    HashEntry.offender_identified,
    HashEntry.trusted,
    HashEntry.tombstoned_at,
    HashEntry.tombstone_reason,
)


@dataclass
class RowPage:
    hash_list: HashList
    checkpoint: int
    more: bool
    rows: Sequence[Any]  # rows of ROW_COLUMNS


def change_rows(
    session: Session,
    *,
    actor: Actor,
    list_id: str,
    since: int,
    limit: int = 1000,
    most: int = FEED_PAGE_MAX,
) -> RowPage:
    """The same feed as ``changes``, as plain rows of ``ROW_COLUMNS``: what a peer node pulls,
    thousands of entries a page (up to ``most``), without building an ORM object for each."""
    if since < 0:
        raise InvalidInput("A checkpoint is a non-negative integer.")
    limit = max(1, min(limit, most))
    hash_list = get_list(session, actor=actor, list_id=list_id, action=Action.EXPORT)
    found = session.execute(
        select(*ROW_COLUMNS)
        .where(HashEntry.list_id == list_id, HashEntry.seq > since)
        .order_by(HashEntry.seq)
        .limit(limit + 1)
    ).all()
    page = found[:limit]
    checkpoint = page[-1][0] if page else since
    record_audit(session, actor, "feed_read", hash_list, since=since, count=len(page))
    return RowPage(hash_list, checkpoint, len(found) > limit, page)
