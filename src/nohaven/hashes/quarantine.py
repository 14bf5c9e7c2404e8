"""Flood quarantine: an entry that suddenly matches far more than its history (a widespread
benign image slipped into a list) is held for its owner's review. Its matches go on being
reported, flagged as quarantined (`nohaven.hashes.doubts`): never silently dropped.

The watch compares each entry's matches in the last window with its usual count for a
window that long over the baseline period before; only entries well above both a floor and
a multiple of their usual count are held."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action
from nohaven.errors import Conflict, InvalidInput, NotFound
from nohaven.hashes import service as hashes_service
from nohaven.hashes.models import EntryQuarantine, HashEntry, HashList, Sighting
from nohaven.kit.clock import utcnow
from nohaven.notifications import service as notifications


@dataclass(frozen=True)
class FloodRule:
    window: timedelta = timedelta(hours=1)
    baseline: timedelta = timedelta(days=7)
    # Held from this many matches in a window, and this many times the usual count.
    floor: int = 50
    factor: float = 10.0


def _counts(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    rows = session.execute(
        select(Sighting.entry_id, func.count())
        .where(Sighting.at >= start, Sighting.at < end)
        .group_by(Sighting.entry_id)
    ).all()
    return {r[0]: int(r[1]) for r in rows}


def watch(session: Session, *, rule: FloodRule, now: datetime | None = None) -> int:
    """Quarantine every entry in a flood now; returns how many were newly held."""
    now = now or utcnow()
    recent = _counts(session, now - rule.window, now)
    suspects = {e: n for e, n in recent.items() if n >= rule.floor}
    if not suspects:
        return 0
    history = _counts(session, now - rule.window - rule.baseline, now - rule.window)
    windows = rule.baseline / rule.window
    held_already = set(
        session.execute(
            select(EntryQuarantine.entry_id).where(
                EntryQuarantine.entry_id.in_(list(suspects)),
                EntryQuarantine.released_at.is_(None),
            )
        ).scalars()
    )
    held = 0
    for entry_id, count in sorted(suspects.items()):
        usual = history.get(entry_id, 0) / windows
        if entry_id in held_already or count < rule.factor * max(usual, 1.0):
            continue
        entry = session.get(HashEntry, entry_id)
        if entry is None or not entry.is_live:
            continue
        hash_list = session.get(HashList, entry.list_id)
        if hash_list is None:  # pragma: no cover - entries always have their list
            continue
        reason = (
            f"{count} matches in {rule.window} against about {usual:.1f} usually: "
            "held for the owner's review"
        )
        session.add(
            EntryQuarantine(
                entry_id=entry.id,
                list_id=hash_list.id,
                recent_matches=count,
                usual_matches=round(usual),
                reason=reason,
                since=now,
            )
        )
        actor = Actor.system("flood watch")
        hashes_service.record_audit(
            session, actor, "entry_quarantine", hash_list, entry=entry.id, matches=count
        )
        notifications.notify(
            session,
            actor=actor,
            organisation_id=hash_list.owner_organisation_id,
            kind="hashes.quarantine",
            title="An entry of one of your hash lists matches far more than usual",
            link=f"/hash-entries/{entry.id}",
        )
        held += 1
    session.flush()
    return held


def open_for_list(session: Session, *, actor: Actor, list_id: str) -> Sequence[EntryQuarantine]:
    hashes_service.get_list(session, actor=actor, list_id=list_id, action=Action.UPDATE)
    return (
        session.execute(
            select(EntryQuarantine)
            .where(EntryQuarantine.list_id == list_id, EntryQuarantine.released_at.is_(None))
            .order_by(EntryQuarantine.since)
        )
        .scalars()
        .all()
    )


def review(session: Session, *, actor: Actor, quarantine_id: str, outcome: str) -> EntryQuarantine:
    """The owner decides: "release" (the entry is right: the flood was real) or "tombstone"."""
    if outcome not in ("release", "tombstone"):
        raise InvalidInput("A quarantine ends in release or tombstone.")
    held = session.get(EntryQuarantine, quarantine_id)
    if held is None:
        raise NotFound("No such quarantine.")
    hash_list = hashes_service.get_list(
        session, actor=actor, list_id=held.list_id, action=Action.UPDATE
    )
    if held.released_at is not None:
        raise Conflict("This quarantine was already reviewed.")
    if outcome == "tombstone":
        hashes_service.tombstone_entry(
            session, actor=actor, entry_id=held.entry_id, reason="flood: benign after review"
        )
    held.released_at = utcnow()
    held.outcome = "released" if outcome == "release" else "tombstoned"
    held.reviewed_by_id = actor.user_id
    hashes_service.record_audit(
        session, actor, "quarantine_review", hash_list, entry=held.entry_id, outcome=held.outcome
    )
    return held


def held(session: Session, entry_id: str) -> EntryQuarantine | None:
    """The entry's open quarantine, if it is held (for its owner's eyes)."""
    return (
        session.execute(
            select(EntryQuarantine).where(
                EntryQuarantine.entry_id == entry_id, EntryQuarantine.released_at.is_(None)
            )
        )
        .scalars()
        .first()
    )
