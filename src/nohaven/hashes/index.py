"""Exact in-memory PDQ search: multi-index hashing over log-structured segments.

Why this shape:

* Pigeonhole: a 256-bit hash is cut into ``CHUNKS`` (11) disjoint bit-chunks of up to 21 bits.
  If two hashes differ in at most ``r`` bits, some chunk differs in at most ``r // CHUNKS`` bits
  (bits outside the chunks only make that bound looser). For r = 31 that is 2 bits, so per chunk
  we probe every bucket within 2 bits of the query's chunk value, and verify each candidate
  with a popcount over four uint64 words. Verification keeps the result exact.
* Each chunk table is a permutation of rows sorted by chunk value plus bucket offsets. Row
  numbers are packed in 3 bytes when a segment has fewer than 2**24 rows.
* Incremental: additions become a new segment; segments of similar size are merged (like an
  LSM tree), so each hash is rebuilt O(log n) times overall and never all at once per change.
  Removals set a deleted flag; a segment with many deleted rows is compacted on its own.
* Where probing would cost more than scanning (small segments, very large thresholds), a
  segment is scanned by brute force, so every threshold stays exact.
* Nothing is ever deserialised: the index is built from hex strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from nohaven.hashes.pdq import parse_pdq, popcount_distance
from nohaven.hashes.segments import Segment, combine, decode_id, encode_id, encode_ids


class PdqSearch(Protocol):
    """A PDQ index backend: exact radius search over 64-hex hashes keyed by string ids."""

    def add(self, ids: Sequence[str], hashes: Sequence[str]) -> None: ...

    def remove(self, ids: Iterable[str]) -> None: ...

    def search(self, hashes: Sequence[str], threshold: int) -> list[list[tuple[str, int]]]: ...

    def __len__(self) -> int: ...

    def memory_bytes(self) -> int: ...


class PdqIndex:
    """Exact PDQ radius search (the default :class:`PdqSearch` backend)."""

    def __init__(self) -> None:
        self._segments: list[Segment] = []

    def __len__(self) -> int:
        return sum(s.live for s in self._segments)

    def memory_bytes(self) -> int:
        return sum(s.nbytes() for s in self._segments)

    @property
    def segment_sizes(self) -> list[int]:
        return [len(s) for s in self._segments]

    def add(self, ids: Sequence[str], hashes: Sequence[str]) -> None:
        if len(ids) != len(hashes):
            raise ValueError("ids and hashes differ in length")
        if not ids:
            return
        words = parse_pdq(hashes)
        encoded_list = encode_ids(ids)
        # within one call the last occurrence of an id wins
        last: dict[bytes, int] = {}
        for pos, key in enumerate(encoded_list):
            last[key] = pos
        keep = np.fromiter(last.values(), dtype=np.int64, count=len(last))
        encoded = np.array(encoded_list, dtype=np.bytes_)[keep]
        self._delete_encoded(encoded)
        self._segments.append(Segment(encoded, words[keep]))
        self._merge()

    def remove(self, ids: Iterable[str]) -> None:
        encoded_list = []
        for value in ids:
            try:
                encoded_list.append(encode_id(value))
            except ValueError:
                continue
        if encoded_list:
            self._delete_encoded(np.array(encoded_list, dtype=np.bytes_))
            self._compact()

    def search(self, hashes: Sequence[str], threshold: int) -> list[list[tuple[str, int]]]:
        if threshold < 0:
            raise ValueError("threshold must be >= 0")
        queries = parse_pdq(hashes)
        results: list[list[tuple[str, int]]] = [[] for _ in hashes]
        if len(queries) == 0:
            return results
        for segment in self._segments:
            q, r, d = segment.search(queries, threshold)
            for qi, row, dist in zip(q.tolist(), r.tolist(), d.tolist(), strict=True):
                results[qi].append((decode_id(bytes(segment.ids[row])), dist))
        for found in results:
            found.sort(key=lambda item: (item[1], item[0]))
        return results

    def _delete_encoded(self, encoded: npt.NDArray[np.bytes_]) -> None:
        for segment in self._segments:
            rows = segment.find(encoded)
            rows = rows[rows >= 0]
            if rows.size:
                fresh = rows[~segment.deleted[rows]]
                segment.deleted[fresh] = True
                segment.live -= int(fresh.size)

    def _merge(self) -> None:
        # keep segment sizes geometrically decreasing: merge the newest into its
        # predecessor while it is at least half as large
        while len(self._segments) >= 2 and 2 * self._segments[-1].live >= self._segments[-2].live:
            newest = self._segments.pop()
            older = self._segments.pop()
            self._segments.append(combine(older, newest))

    def _compact(self) -> None:
        rebuilt: list[Segment] = []
        for segment in self._segments:
            if segment.live == 0:
                continue
            if segment.live < len(segment) // 2:
                rows = segment.live_rows()
                segment = Segment(segment.ids[rows], segment.words[rows])
            rebuilt.append(segment)
        rebuilt.sort(key=len, reverse=True)
        self._segments = rebuilt
        self._merge()


class BruteForcePdqIndex:
    """Reference backend: a plain scan. Small, obviously right; used to check the fast one."""

    def __init__(self) -> None:
        self._hashes: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._hashes)

    def memory_bytes(self) -> int:
        return 64 * len(self._hashes)

    def add(self, ids: Sequence[str], hashes: Sequence[str]) -> None:
        if len(ids) != len(hashes):
            raise ValueError("ids and hashes differ in length")
        parse_pdq(hashes)
        for key, value in zip(ids, hashes, strict=True):
            self._hashes[key] = value.lower()

    def remove(self, ids: Iterable[str]) -> None:
        for key in ids:
            self._hashes.pop(key, None)

    def search(self, hashes: Sequence[str], threshold: int) -> list[list[tuple[str, int]]]:
        if threshold < 0:
            raise ValueError("threshold must be >= 0")
        parse_pdq(hashes)
        if not self._hashes:
            return [[] for _ in hashes]
        keys = list(self._hashes)
        words = parse_pdq([self._hashes[k] for k in keys])
        out = []
        for query in parse_pdq(hashes):
            d = popcount_distance(words, query)
            hits = [(keys[i], int(d[i])) for i in np.flatnonzero(d <= threshold)]
            out.append(sorted(hits, key=lambda item: (item[1], item[0])))
        return out
