"""The segments of the PDQ index (``nohaven.hashes.index`` says why it has this shape): an
immutable set of rows with chunk tables for multi-index probing, and the compact ids they
store.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

from nohaven.hashes.pdq import I64, U64, distances, popcount_distance

_UUID_HEX = re.compile(r"\A[0-9a-f]{32}\Z")


_LOWER_HEX_RUN = re.compile(r"\A[0-9a-f]*\Z")


CHUNKS = 11  # 11 chunks x 3 bits of slack > 31: every chunk radius is 2 at the default threshold
MAX_CHUNK_BITS = 21  # three 21-bit chunks fit in each 64-bit word
MAX_PROBE_RADIUS = 4
BRUTE_FORCE_BELOW = 4096  # rows; smaller segments are scanned
_CANDIDATES_PER_ROUND = 1 << 21
_BRUTE_ROWS_PER_BLOCK = 1 << 18


_TAG_UUID = b"\x01"
_TAG_TEXT = b"\x02"


def encode_id(value: str) -> bytes:
    if _UUID_HEX.match(value):
        return _TAG_UUID + bytes.fromhex(value)
    if not value or "\x00" in value:
        raise ValueError("ids must be non-empty and contain no NUL")
    return _TAG_TEXT + value.encode()


def encode_ids(values: Sequence[str]) -> list[bytes]:
    joined = "".join(values)
    # fast path for the project's ids (lengths sum to 32 n and each is 32: check both)
    if (
        len(joined) == 32 * len(values)
        and _LOWER_HEX_RUN.match(joined)
        and all(len(v) == 32 for v in values)
    ):
        raw = bytes.fromhex(joined)
        return [_TAG_UUID + raw[i : i + 16] for i in range(0, len(raw), 16)]
    return [encode_id(v) for v in values]


def decode_id(raw: bytes) -> str:
    if raw[:1] == _TAG_UUID:
        return raw[1:].ljust(16, b"\x00").hex()
    return raw[1:].decode()


@cache
def _masks(bits: int, radius: int) -> npt.NDArray[np.uint32]:
    """Every value of ``bits`` bits with at most ``radius`` bits set."""
    out = [0]
    for r in range(1, radius + 1):
        for combo in itertools.combinations(range(bits), r):
            out.append(sum(1 << b for b in combo))
    return np.asarray(out, dtype=np.uint32)


def _mask_count(bits: int, radius: int) -> int:
    from math import comb

    return sum(comb(bits, r) for r in range(radius + 1))


def _chunk_slots(bits: int) -> list[tuple[int, int]]:
    """(word, shift) of each chunk: three per word, at most ``bits`` wide."""
    return [(w, s * MAX_CHUNK_BITS) for w in range(4) for s in range(3)][:CHUNKS]


class _RowTable:
    """Row numbers (below ``rows``), packed in 3 bytes each when they fit."""

    def __init__(self, perm: I64, rows: int) -> None:
        n = len(perm)
        self.n = n
        if rows <= (1 << 24):
            buf = np.zeros(3 * n + 1, dtype=np.uint8)
            packed = perm.astype("<u4").view(np.uint8).reshape(n, 4)[:, :3]
            buf[: 3 * n] = packed.reshape(-1)
            self._buf: npt.NDArray[np.uint8] | npt.NDArray[np.uint32] = buf
            self._view: npt.NDArray[np.uint32] = np.ndarray(
                (n,), dtype="<u4", buffer=buf, strides=(3,)
            )
            self._packed = True
        else:
            self._buf = perm.astype(np.uint32)
            self._view = self._buf.view(np.uint32)
            self._packed = False

    def take(self, positions: I64) -> I64:
        got = self._view[positions]
        if self._packed:
            got = got & np.uint32(0xFFFFFF)
        return got.astype(np.int64)

    def nbytes(self) -> int:
        return int(self._buf.nbytes)


class Segment:
    """An immutable set of rows (ids sorted) with optional chunk tables and a deleted flag."""

    def __init__(self, ids: npt.NDArray[np.bytes_], words: U64) -> None:
        order = np.argsort(ids, kind="stable")
        self.ids = ids[order]
        self.words = np.ascontiguousarray(words[order])
        self.deleted = np.zeros(len(ids), dtype=np.bool_)
        self.live = len(ids)
        self.bits = 0
        # Every chunk's table in one array, so one probe of all chunks is a few numpy calls
        # whatever the number of chunks (a single-hash query pays per call, not per row):
        # ``rows`` holds each chunk's row numbers sorted by chunk value, one chunk after the
        # other; ``offsets[c * (2**bits + 1) + v]`` is where value v of chunk c starts in it.
        self.rows: _RowTable | None = None
        self.offsets = np.zeros(0, dtype=np.uint32)
        slots = _chunk_slots(MAX_CHUNK_BITS)
        self._slot_words = np.array([w for w, _ in slots], dtype=np.int64)
        self._slot_shifts = np.array([sh for _, sh in slots], dtype=np.uint64)
        if len(ids) >= BRUTE_FORCE_BELOW:
            self._build_tables()

    def __len__(self) -> int:
        return len(self.ids)

    def _build_tables(self) -> None:
        n = len(self.ids)
        self.bits = max(8, min(MAX_CHUNK_BITS, int(np.ceil(np.log2(n)))))
        mask = np.uint64((1 << self.bits) - 1)
        width = (1 << self.bits) + 1
        perms = np.empty(CHUNKS * n, dtype=np.int64)
        self.offsets = np.zeros(CHUNKS * width, dtype=np.uint32)
        for c, (word, shift) in enumerate(_chunk_slots(self.bits)):
            keys = ((self.words[:, word] >> np.uint64(shift)) & mask).astype(np.uint32)
            perms[c * n : (c + 1) * n] = np.argsort(keys)
            counts = np.bincount(keys, minlength=1 << self.bits)
            offsets = self.offsets[c * width : (c + 1) * width]
            offsets[0] = c * n
            np.cumsum(counts, out=offsets[1:])
            offsets[1:] += np.uint32(c * n)
        self.rows = _RowTable(perms, n)

    def find(self, encoded: npt.NDArray[np.bytes_]) -> I64:
        """Row of each encoded id, or -1."""
        if len(self.ids) == 0:
            return np.full(len(encoded), -1, dtype=np.int64)
        pos = np.searchsorted(self.ids, encoded).astype(np.int64)
        pos_c = np.minimum(pos, len(self.ids) - 1)
        hit = self.ids[pos_c] == encoded
        return np.where(hit, pos_c, -1)

    def live_rows(self) -> I64:
        return np.flatnonzero(~self.deleted).astype(np.int64)

    def nbytes(self) -> int:
        total = self.ids.nbytes + self.words.nbytes + self.deleted.nbytes + self.offsets.nbytes
        if self.rows is not None:
            total += self.rows.nbytes()
        return int(total)

    def _probe_is_cheaper(self, radius: int) -> bool:
        if self.rows is None or radius > MAX_PROBE_RADIUS:
            return False
        probes = _mask_count(self.bits, radius)
        expected = probes * (1 + len(self) / (1 << self.bits))
        return CHUNKS * expected < len(self)

    def search(self, queries: U64, threshold: int) -> tuple[I64, I64, I64]:
        """(query index, row, distance) of every live row within ``threshold``."""
        radius = threshold // CHUNKS
        if self._probe_is_cheaper(radius):
            return self._search_probing(queries, threshold, radius)
        return self._search_brute(queries, threshold)

    def _search_brute(self, queries: U64, threshold: int) -> tuple[I64, I64, I64]:
        qs: list[I64] = []
        rows: list[I64] = []
        dists: list[I64] = []
        n = len(self)
        for start in range(0, n, _BRUTE_ROWS_PER_BLOCK):
            block = self.words[start : start + _BRUTE_ROWS_PER_BLOCK]
            for qi in range(len(queries)):
                d = popcount_distance(block, queries[qi])
                hit = np.flatnonzero(d <= threshold)
                if hit.size:
                    rows.append(hit + start)
                    qs.append(np.full(hit.size, qi, dtype=np.int64))
                    dists.append(d[hit])
        return self._keep_live(qs, rows, dists)

    def _search_probing(self, queries: U64, threshold: int, radius: int) -> tuple[I64, I64, I64]:
        table = self.rows
        if table is None:  # too small to have tables: _probe_is_cheaper said scan
            return self._search_brute(queries, threshold)
        masks = _masks(self.bits, radius).astype(np.int64)
        chunk_mask = np.uint64((1 << self.bits) - 1)
        chunk_base = np.arange(CHUNKS, dtype=np.int64) * ((1 << self.bits) + 1)
        per_query = CHUNKS * len(masks) * (1 + len(self) / (1 << self.bits))
        batch = max(1, int(_CANDIDATES_PER_ROUND // per_query))
        probes_per_query = CHUNKS * len(masks)
        qs: list[I64] = []
        rows: list[I64] = []
        dists: list[I64] = []
        for q0 in range(0, len(queries), batch):
            qwords = queries[q0 : q0 + batch]
            nq = len(qwords)
            # (query, chunk) -> chunk value -> every bucket within ``radius`` bits of it
            values = (qwords[:, self._slot_words] >> self._slot_shifts) & chunk_mask
            probes = (values.astype(np.int64)[:, :, None] ^ masks[None, None, :]) + chunk_base[
                None, :, None
            ]
            probes = probes.reshape(-1)
            starts = self.offsets[probes].astype(np.int64)
            lens = self.offsets[probes + 1].astype(np.int64) - starts
            total = int(lens.sum())
            if total == 0:
                continue
            # expand each [start, start + len) range into positions
            ends = np.cumsum(lens)
            positions = np.arange(total, dtype=np.int64) + np.repeat(starts - (ends - lens), lens)
            cr = table.take(positions)
            cq = np.repeat(np.arange(nq, dtype=np.int64), probes_per_query)
            cq = np.repeat(cq, lens)
            d = distances(np.take(self.words, cr, axis=0), np.take(qwords, cq, axis=0))
            hit = np.flatnonzero(d <= threshold)
            if not hit.size:
                continue
            cq, cr, dh = cq[hit], cr[hit], d[hit].astype(np.int64)
            # a row near the query in several chunks is found several times
            _, first = np.unique(cq * len(self) + cr, return_index=True)
            qs.append(cq[first] + q0)
            rows.append(cr[first])
            dists.append(dh[first])
        return self._keep_live(qs, rows, dists)

    def _keep_live(self, qs: list[I64], rows: list[I64], dists: list[I64]) -> tuple[I64, I64, I64]:
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        q, r, d = np.concatenate(qs), np.concatenate(rows), np.concatenate(dists)
        live = ~self.deleted[r]
        return q[live], r[live], d[live]


def combine(a: Segment, b: Segment) -> Segment:
    ra, rb = a.live_rows(), b.live_rows()
    width = max(a.ids.dtype.itemsize, b.ids.dtype.itemsize)
    ids = np.concatenate([a.ids[ra].astype(f"S{width}"), b.ids[rb].astype(f"S{width}")])
    return Segment(ids, np.concatenate([a.words[ra], b.words[rb]]))
