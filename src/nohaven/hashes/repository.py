"""Queries of the hashes domain; never commits."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from nohaven.hashes.models import (
    EntryQuarantine,
    HashEntry,
    HashList,
    MatchFeedback,
    Sighting,
    SignalType,
    TrustVote,
)
from nohaven.kit.paging import TableSpec, TableView, choice, page_query, text
from nohaven.members.models import Body, Organisation


def all_lists(session: Session) -> Sequence[HashList]:
    return session.execute(select(HashList).order_by(HashList.name)).scalars().all()


def lists_by_id(session: Session, ids: Collection[str]) -> dict[str, HashList]:
    if not ids:
        return {}
    found = session.execute(select(HashList).where(HashList.id.in_(ids))).scalars()
    return {h.id: h for h in found}


def lists_with_owner_names(
    session: Session, ids: Collection[str]
) -> tuple[dict[str, HashList], dict[str, str]]:
    """The lists by id and their owners' names, in one query (a match needs both)."""
    if not ids:
        return {}, {}
    rows = session.execute(
        select(HashList, Organisation.name)
        .join(Organisation, Organisation.id == HashList.owner_organisation_id)
        .where(HashList.id.in_(ids))
    ).all()
    return {h.id: h for h, _ in rows}, {h.owner_organisation_id: str(n) for h, n in rows}


class _LocalChanges:
    """How many times this process has taken change numbers: every change to an entry does,
    so the matching index knows without a query that it must look at the lists again."""

    def __init__(self) -> None:
        self._count = itertools.count(1)
        self.last = 0

    def bump(self) -> None:
        self.last = next(self._count)


local_changes = _LocalChanges()
_BUMP_AT_COMMIT = "nohaven.hashes.bump_at_commit"


def _bump_at_commit(session: Session) -> None:
    session.info.pop(_BUMP_AT_COMMIT, None)
    local_changes.bump()


def take_seqs(session: Session, list_id: str, count: int) -> int:
    """Reserve ``count`` change numbers in a list; returns the first. The row update locks the
    list until commit, so change numbers become visible in the order they were taken."""
    local_changes.bump()
    if not session.info.get(_BUMP_AT_COMMIT):
        # once more when it commits: a search that looked meanwhile saw the old numbers
        session.info[_BUMP_AT_COMMIT] = True
        event.listen(session, "after_commit", _bump_at_commit, once=True)
    last = session.execute(
        update(HashList)
        .where(HashList.id == list_id)
        .values(change_seq=HashList.change_seq + count)
        .returning(HashList.change_seq)
    ).scalar_one()
    return int(last) - count + 1


def entry_by_value(
    session: Session, list_id: str, signal_type: str, value: str
) -> HashEntry | None:
    return session.execute(
        select(HashEntry).where(
            HashEntry.list_id == list_id,
            HashEntry.signal_type == signal_type,
            HashEntry.value == value,
        )
    ).scalar_one_or_none()


def entries_of_list(
    session: Session,
    list_id: str,
    *,
    include_tombstoned: bool = False,
    signal_type: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[HashEntry]:
    query = select(HashEntry).where(HashEntry.list_id == list_id)
    if not include_tombstoned:
        query = query.where(HashEntry.tombstoned_at.is_(None))
    if signal_type:
        query = query.where(HashEntry.signal_type == signal_type)
    query = query.order_by(HashEntry.seq.desc()).limit(limit).offset(offset)
    return session.execute(query).scalars().all()


# A list's entries on its page: newest change first by default.
ENTRY_TABLE = TableSpec(
    sorts={
        "changed": HashEntry.seq,
        "type": HashEntry.signal_type,
        "hash": HashEntry.value,
        "classification": HashEntry.classification,
        "series": HashEntry.series,
        "trusted": HashEntry.trusted,
    },
    default_sort="changed",
    default_descending=True,
    filters={
        "type": choice(*(s.value for s in SignalType)),
        "state": choice("live", "removed"),
        "series": text,
    },
)


def page_of_entries(
    session: Session, list_id: str, view: TableView, *, include_tombstoned: bool
) -> tuple[list[HashEntry], TableView]:
    query = select(HashEntry).where(HashEntry.list_id == list_id)
    # Removed entries are the owner's to see; anyone else sees live ones whatever they ask.
    state = view.filter("state") if include_tombstoned else "live"
    if state == "live":
        query = query.where(HashEntry.tombstoned_at.is_(None))
    elif state == "removed":
        query = query.where(HashEntry.tombstoned_at.is_not(None))
    if view.filter("type"):
        query = query.where(HashEntry.signal_type == view.filter("type"))
    if view.filter("series"):
        query = query.where(HashEntry.series.contains(view.filter("series"), autoescape=True))
    return page_query(session, query, view)


def entries_by_id(session: Session, entry_ids: Collection[str]) -> dict[str, HashEntry]:
    if not entry_ids:
        return {}
    found = session.scalars(select(HashEntry).where(HashEntry.id.in_(entry_ids)))
    return {e.id: e for e in found}


def live_entries_with_values(
    session: Session, signal_type: str, values: Collection[str]
) -> Sequence[HashEntry]:
    if not values:
        return []
    return (
        session.execute(
            select(HashEntry).where(
                HashEntry.signal_type == signal_type,
                HashEntry.value.in_(values),
                HashEntry.tombstoned_at.is_(None),
            )
        )
        .scalars()
        .all()
    )


def live_entries_by_id(session: Session, ids: Collection[str]) -> dict[str, HashEntry]:
    if not ids:
        return {}
    found = session.execute(
        select(HashEntry).where(HashEntry.id.in_(ids), HashEntry.tombstoned_at.is_(None))
    ).scalars()
    return {e.id: e for e in found}


def live_entries_with_quarantines(
    session: Session, ids: Collection[str]
) -> tuple[dict[str, HashEntry], dict[str, list[str]]]:
    """Live entries by id, and the reasons of each one's open quarantines, in one query (an
    outer join: most entries have none)."""
    if not ids:
        return {}, {}
    rows = session.execute(
        select(HashEntry, EntryQuarantine.reason)
        .outerjoin(
            EntryQuarantine,
            (EntryQuarantine.entry_id == HashEntry.id) & EntryQuarantine.released_at.is_(None),
        )
        .where(HashEntry.id.in_(ids), HashEntry.tombstoned_at.is_(None))
    ).all()
    entries: dict[str, HashEntry] = {}
    reasons: dict[str, list[str]] = {}
    for entry, reason in rows:
        entries[entry.id] = entry
        if reason is not None:
            reasons.setdefault(entry.id, []).append(reason)
    return entries, reasons


def changes(session: Session, list_id: str, since: int, limit: int) -> Sequence[HashEntry]:
    return (
        session.execute(
            select(HashEntry)
            .where(HashEntry.list_id == list_id, HashEntry.seq > since)
            .order_by(HashEntry.seq)
            .limit(limit)
        )
        .scalars()
        .all()
    )


def votes_of(session: Session, entry_id: str) -> Sequence[TrustVote]:
    return (
        session.execute(
            select(TrustVote).where(TrustVote.entry_id == entry_id).order_by(TrustVote.created_at)
        )
        .scalars()
        .all()
    )


def vote_of(session: Session, entry_id: str, organisation_id: str) -> TrustVote | None:
    return session.execute(
        select(TrustVote).where(
            TrustVote.entry_id == entry_id, TrustVote.organisation_id == organisation_id
        )
    ).scalar_one_or_none()


def feedback_of(session: Session, entry_id: str) -> Sequence[MatchFeedback]:
    return (
        session.execute(
            select(MatchFeedback)
            .where(MatchFeedback.entry_id == entry_id)
            .order_by(MatchFeedback.created_at)
        )
        .scalars()
        .all()
    )


def feedback_by(session: Session, entry_id: str, organisation_id: str) -> MatchFeedback | None:
    return session.execute(
        select(MatchFeedback).where(
            MatchFeedback.entry_id == entry_id, MatchFeedback.organisation_id == organisation_id
        )
    ).scalar_one_or_none()


def sightings_count(session: Session, *, list_id: str, since: datetime) -> int:
    query = (
        select(func.count())
        .select_from(Sighting)
        .where(Sighting.list_id == list_id, Sighting.at >= since)
    )
    return int(session.scalar(query) or 0)


def sightings(
    session: Session, *, list_id: str | None = None, entry_id: str | None = None, limit: int = 500
) -> Sequence[Sighting]:
    query = select(Sighting)
    if list_id:
        query = query.where(Sighting.list_id == list_id)
    if entry_id:
        query = query.where(Sighting.entry_id == entry_id)
    return session.execute(query.order_by(Sighting.at.desc()).limit(limit)).scalars().all()


def organisation_names(session: Session, ids: Collection[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    )
    return {str(row[0]): str(row[1]) for row in rows}


def existing_organisation_ids(session: Session, ids: Collection[str]) -> set[str]:
    if not ids:
        return set()
    return set(session.execute(select(Organisation.id).where(Organisation.id.in_(ids))).scalars())


def existing_body_ids(session: Session, ids: Collection[str]) -> set[str]:
    if not ids:
        return set()
    return set(session.execute(select(Body.id).where(Body.id.in_(ids))).scalars())


def pdq_changes_since(
    session: Session, list_id: str, since: int, upto: int
) -> Sequence[tuple[str, str, bool]]:
    """(entry id, PDQ value, live) of a list's PDQ entries changed in (since, upto]."""
    rows = session.execute(
        select(HashEntry.id, HashEntry.value, HashEntry.tombstoned_at.is_(None))
        .where(
            HashEntry.list_id == list_id,
            HashEntry.signal_type == "pdq",
            HashEntry.seq > since,
            HashEntry.seq <= upto,
        )
        .order_by(HashEntry.seq)
    )
    return [(i, v, bool(live)) for i, v, live in rows]


def list_seqs(session: Session) -> dict[str, int]:
    return {i: int(s) for i, s in session.execute(select(HashList.id, HashList.change_seq))}


def stream_live_entries(session: Session, list_id: str) -> Iterator[HashEntry]:
    """Every live entry of a list, read in batches (for exports of any size)."""
    query = (
        select(HashEntry)
        .where(HashEntry.list_id == list_id, HashEntry.tombstoned_at.is_(None))
        .order_by(HashEntry.seq)
        .execution_options(yield_per=1000)
    )
    yield from session.execute(query).scalars()
