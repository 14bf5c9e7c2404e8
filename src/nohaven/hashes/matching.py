"""Matching queries against the lists an actor may see.

PDQ hashes are searched in an in-memory exact index (one per process), built from the database
at start and brought up to date before each search from the lists' change numbers: only the
entries changed since the index last looked are read, never the whole table. MD5, SHA-1,
SHA-256 and PhotoDNA are exact values, looked up in the database through its index. The
database stays the source of truth: every hit is re-read from it, so a tombstone or a change of
distribution takes effect at once, and the index holds no metadata and is never serialised.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, require
from nohaven.config import Settings
from nohaven.errors import InvalidInput
from nohaven.hashes import doubts, signals
from nohaven.hashes import repository as repo
from nohaven.hashes.index import PdqIndex, PdqSearch
from nohaven.hashes.models import HashEntry, HashList, ListKind, Sighting, SignalType
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id

_IN_CHUNK = 500


def default_pdq_index() -> PdqSearch:
    return PdqIndex()


class HashIndex:
    """The process's PDQ index with a watermark per list (the list's change number it has
    applied). Thread-safe: requests run in a thread pool.

    A search looks at the lists' change numbers (one query) only when this process changed an
    entry since the last look, or when the last look is ``max_staleness`` seconds old: under
    load most searches skip that query, and a change made by another process or host is
    still matched within ``max_staleness`` seconds (plus the time of one request)."""

    def __init__(
        self, make_pdq: Callable[[], PdqSearch] = default_pdq_index, max_staleness: float = 0.25
    ) -> None:
        self._pdq = make_pdq()
        self._lock = threading.Lock()
        self._looking = threading.Lock()  # held by the one search reading others' changes
        self._watermarks: dict[str, int] = {}
        self._max_staleness = max_staleness
        self._looked_at = -math.inf  # time.monotonic() of the last look at the lists
        self._local_seen = -1  # repo.local_changes.last at that look
        self.applied_changes = 0  # entries read from the database so far (for tests/metrics)

    def memory_bytes(self) -> int:
        return self._pdq.memory_bytes()

    def __len__(self) -> int:
        return len(self._pdq)

    def refresh(self, session: Session) -> int:
        """Apply every PDQ change committed since the last refresh; returns how many."""
        with self._lock:
            return self._apply(self._read(session, self._watermarks))

    def _read(
        self, session: Session, watermarks: dict[str, int]
    ) -> list[tuple[str, int, int, Sequence[tuple[str, str, bool]]]]:
        """Per list with changes beyond its watermark: (list, watermark, newest, changes)."""
        found = []
        for list_id, seq in repo.list_seqs(session).items():
            seen = watermarks.get(list_id, 0)
            if seq > seen:
                found.append(
                    (list_id, seen, seq, repo.pdq_changes_since(session, list_id, seen, seq))
                )
        return found

    def _apply(self, read: list[tuple[str, int, int, Sequence[tuple[str, str, bool]]]]) -> int:
        """Under the lock: apply what was read, for each list still at the watermark it was
        read from (another search may have applied these changes, or later ones, meanwhile)."""
        applied = 0
        for list_id, seen, seq, changes in read:
            if self._watermarks.get(list_id, 0) != seen:
                continue
            add_ids: list[str] = []
            add_hashes: list[str] = []
            drop: list[str] = []
            for entry_id, value, live in changes:
                # Adding is an upsert and removing an unknown id does nothing, so replaying
                # a change is harmless.
                if live:
                    add_ids.append(entry_id)
                    add_hashes.append(value)
                else:
                    drop.append(entry_id)
                applied += 1
            if drop:
                self._pdq.remove(drop)
            if add_ids:
                self._pdq.add(add_ids, add_hashes)
            self._watermarks[list_id] = seq
        self.applied_changes += applied
        return applied

    def search_pdq(
        self, session: Session, hashes: Sequence[str], threshold: int
    ) -> list[list[tuple[str, int]]]:
        # Lock order: the transaction first (on SQLite a writer's BEGIN takes the process's
        # write gate), then the index. A search that took the index lock and then waited for
        # the gate, while the gate's holder waited for the index, stalled both until the
        # gate's timeout (503s under load).
        session.connection()
        now = time.monotonic()
        local = repo.local_changes.last
        if local != self._local_seen:
            # This process changed entries: the search sees them, whatever reading them costs.
            with self._lock:
                if local != self._local_seen:
                    # read the counter before looking: a change made meanwhile is looked at next
                    self._local_seen = local
                    self._apply(self._read(session, self._watermarks))
                    self._looked_at = now
        elif now - self._looked_at >= self._max_staleness and self._looking.acquire(False):
            # Other processes' changes: one search at a time reads them, without the index's
            # lock, so a large batch (an import published elsewhere) does not stop every
            # other search while it is read; only applying it takes the lock.
            try:
                self._looked_at = now
                with self._lock:
                    watermarks = dict(self._watermarks)
                read = self._read(session, watermarks)
                if read:
                    with self._lock:
                        self._apply(read)
            finally:
                self._looking.release()
        with self._lock:
            return self._pdq.search(hashes, threshold) if hashes else []


@dataclass
class Hit:
    entry: HashEntry
    hash_list: HashList
    distance: int
    # Why the match may be doubted (nohaven.hashes.doubts): shown with it, never dropped.
    flags: list[str] = field(default_factory=list)
    owner_name: str = ""  # the list owner's name, read with the list


@dataclass
class QueryResult:
    signal_type: str
    value: str
    hits: list[Hit]


def threshold_of(requested: int | None, settings: Settings) -> int:
    threshold = settings.pdq_default_threshold if requested is None else requested
    if not 0 <= threshold <= settings.pdq_max_threshold:
        raise InvalidInput(
            f"The PDQ threshold is between 0 and {settings.pdq_max_threshold}.",
            errors=[{"field": "pdq_threshold", "message": "out of range"}],
        )
    return threshold


def _validated(
    queries: Sequence[tuple[str, str]], settings: Settings
) -> list[tuple[SignalType, str]]:
    if len(queries) > settings.match_batch_max:
        raise InvalidInput(
            f"At most {settings.match_batch_max} hashes per request.",
            errors=[{"field": "queries", "message": "too many"}],
        )
    clean: list[tuple[SignalType, str]] = []
    errors = []
    for i, (kind, value) in enumerate(queries):
        try:
            signal = signals.signal_type(kind)
            clean.append((signal, signals.canonical_value(signal, value)))
        except InvalidInput as exc:
            errors.append({"field": f"queries[{i}]", "message": exc.detail})
    if errors:
        raise InvalidInput("Some hashes are not valid.", errors=errors)
    return clean


def match(
    session: Session,
    *,
    actor: Actor,
    index: HashIndex,
    queries: Sequence[tuple[str, str]],
    settings: Settings,
    pdq_threshold: int | None = None,
) -> list[QueryResult]:
    """Every live entry within reach of each query, from the lists the actor may match
    against; each hit is recorded as a sighting for the list owner."""
    require(actor, Action.MATCH, HashList)
    threshold = threshold_of(pdq_threshold, settings)
    clean = _validated(queries, settings)
    candidates: list[list[tuple[str, int]]] = [[] for _ in clean]

    pdq_positions = [i for i, (k, _) in enumerate(clean) if k == SignalType.PDQ]
    pdq_hits = index.search_pdq(session, [clean[i][1] for i in pdq_positions], threshold)
    for position, hits in zip(pdq_positions, pdq_hits, strict=True):
        candidates[position] = hits

    exact: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, (kind, value) in enumerate(clean):
        if kind != SignalType.PDQ:
            exact[kind.value][value].append(i)
    for type_name, positions_of in exact.items():
        values = list(positions_of)
        for start in range(0, len(values), _IN_CHUNK):
            for listed in repo.live_entries_with_values(
                session, type_name, values[start : start + _IN_CHUNK]
            ):
                for i in positions_of[listed.value]:
                    candidates[i].append((listed.id, 0))

    # Two reads for every hit at once (a match is the platform's hottest request): the
    # entries with their open quarantines, and the lists with their owners' names.
    wanted = {entry_id for hits in candidates for entry_id, _ in hits}
    entries: dict[str, HashEntry] = {}
    reasons: dict[str, list[str]] = {}
    wanted_list = list(wanted)
    for start in range(0, len(wanted_list), _IN_CHUNK):
        found_entries, found_reasons = repo.live_entries_with_quarantines(
            session, wanted_list[start : start + _IN_CHUNK]
        )
        entries |= found_entries
        reasons |= found_reasons
    lists, owner_names = repo.lists_with_owner_names(session, {e.list_id for e in entries.values()})
    allowed = {i for i, h in lists.items() if can(actor, Action.MATCH, h)}
    # Benign lists are not hits: they cast doubt on the known lists' hits of the same query.
    benign = {i for i in allowed if lists[i].kind == ListKind.BENIGN}
    quarantined = doubts.quarantine_flags(reasons)

    now = utcnow()
    results: list[QueryResult] = []
    sightings: list[dict[str, object]] = []
    for (kind, value), hits in zip(clean, candidates, strict=True):
        found = []
        ranked = sorted(hits, key=lambda h: (h[1], h[0]))
        vouched = doubts.benign_reasons(entries, lists, benign, ranked)
        for entry_id, distance in ranked:
            entry = entries.get(entry_id)
            if entry is None or entry.list_id not in allowed or entry.list_id in benign:
                continue
            hash_list = lists[entry.list_id]
            flags = [*vouched, *quarantined.get(entry.id, [])]
            found.append(
                Hit(
                    entry,
                    hash_list,
                    distance,
                    flags,
                    owner_names.get(hash_list.owner_organisation_id, ""),
                )
            )
            sightings.append(
                {
                    "id": new_id(),
                    "entry_id": entry.id,
                    "list_id": hash_list.id,
                    "list_owner_organisation_id": hash_list.owner_organisation_id,
                    "organisation_id": actor.organisation_id,
                    "user_id": actor.user_id,
                    "actor_label": actor.label[:254],
                    "distance": distance,
                    "at": now,
                }
            )
        results.append(QueryResult(kind.value, value, found))
    if sightings:
        # One statement for every sighting, not an ORM unit of work (several times its cost).
        session.execute(insert(Sighting), sightings)
    audit.record(
        session,
        actor=actor,
        action="hashes.match",
        resource_type="hash_match",
        summary={
            "queries": len(clean),
            "matches": len(sightings),
            "lists": sorted({h.hash_list.id for r in results for h in r.hits}),
        },
    )
    return results
