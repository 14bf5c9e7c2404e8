"""Why a match may be doubted, shown with it and never dropped: the same hash vouched benign
in a benign list the matcher may see (memes, stock images, common icons: the reason is the
benign entry's comment), or an entry quarantined after a flood of matches."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.hashes.models import EntryQuarantine, HashEntry, HashList


def benign_reasons(
    entries: dict[str, HashEntry],
    lists: dict[str, HashList],
    benign: Collection[str],
    hits: Sequence[tuple[str, int]],
) -> list[str]:
    """One line per benign entry among a query's hits: whose list says so, and why."""
    reasons = []
    for entry_id, distance in hits:
        entry = entries.get(entry_id)
        if entry is None or entry.list_id not in benign:
            continue
        why = entry.comment.strip() or "no reason given"
        near = f" (distance {distance})" if distance else ""
        reasons.append(f"benign per {lists[entry.list_id].name}{near}: {why}")
    return reasons


def open_quarantines(session: Session, entry_ids: Collection[str]) -> dict[str, list[str]]:
    if not entry_ids:
        return {}
    rows = session.execute(
        select(EntryQuarantine.entry_id, EntryQuarantine.reason).where(
            EntryQuarantine.entry_id.in_(list(entry_ids)), EntryQuarantine.released_at.is_(None)
        )
    ).all()
    found: dict[str, list[str]] = {}
    for entry_id, reason in rows:
        found.setdefault(entry_id, []).append(f"quarantined: {reason}")
    return found
