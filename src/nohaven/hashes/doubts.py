"""Why a match may be doubted, shown with it and never dropped: the same hash vouched benign
in a benign list the matcher may see (memes, stock images, common icons: the reason is the
benign entry's comment), or an entry quarantined after a flood of matches."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from nohaven.hashes.models import HashEntry, HashList


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


def quarantine_flags(reasons: dict[str, list[str]]) -> dict[str, list[str]]:
    """The flags of entries' open quarantines, from their reasons (entry id → reasons)."""
    return {entry_id: [f"quarantined: {r}" for r in found] for entry_id, found in reasons.items()}
