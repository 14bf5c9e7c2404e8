"""The PDQ index returns exactly what a brute-force scan returns, through adds and removals."""

from __future__ import annotations

import random

import pytest

from nohaven.hashes import pdq, segments
from nohaven.hashes.index import BruteForcePdqIndex, PdqIndex, PdqSearch
from nohaven.hashes.pdq import hamming


def _random_hash(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def _flip(rng: random.Random, value: str, bits: int) -> str:
    v = int(value, 16)
    for b in rng.sample(range(256), bits):
        v ^= 1 << b
    return f"{v:064x}"


def _corpus(seed: int, n: int) -> tuple[list[str], list[str], list[str]]:
    """n random hashes, plus queries planted at every distance 0-40 from stored ones."""
    rng = random.Random(seed)
    hashes = [_random_hash(rng) for _ in range(n)]
    # clusters: stored near-duplicates of each other, so one query has many true matches
    for i in range(0, n // 10):
        hashes[n - 1 - i] = _flip(rng, hashes[i], rng.randrange(0, 41))
    ids = [f"{rng.getrandbits(128):032x}" for _ in range(n)]
    queries = [_flip(rng, hashes[rng.randrange(n)], d) for d in range(41) for _ in range(3)]
    queries += [_random_hash(rng) for _ in range(20)]
    return ids, hashes, queries


def _both(ids: list[str], hashes: list[str]) -> tuple[PdqIndex, BruteForcePdqIndex]:
    fast, slow = PdqIndex(), BruteForcePdqIndex()
    fast.add(ids, hashes)
    slow.add(ids, hashes)
    return fast, slow


def test_hamming() -> None:
    assert hamming("0" * 64, "0" * 64) == 0
    assert hamming("0" * 64, "f" * 64) == 256
    assert hamming("0" * 63 + "3", "0" * 64) == 2
    with pytest.raises(ValueError, match="length"):
        hamming("00", "000")


@pytest.mark.parametrize("threshold", [0, 1, 10, 21, 31, 32, 40, 52, 70])
def test_search_equals_brute_force(threshold: int) -> None:
    ids, hashes, queries = _corpus(threshold, 20_000)
    fast, slow = _both(ids, hashes)
    assert fast.segment_sizes == [20_000]
    expected = slow.search(queries, threshold)
    assert fast.search(queries, threshold) == expected
    if threshold >= 31:
        # the planted near-duplicates are found: not a vacuous comparison
        assert sum(len(r) for r in expected) >= 3 * 32


def test_probing_is_used_at_default_threshold_and_brute_force_beyond_its_reach() -> None:
    ids, hashes, _ = _corpus(7, 20_000)
    fast, _ = _both(ids, hashes)
    segment = fast._segments[0]
    assert segment._probe_is_cheaper(31 // segments.CHUNKS)
    assert not segment._probe_is_cheaper(200 // segments.CHUNKS)


def test_results_sorted_by_distance_then_id_and_distance_is_correct() -> None:
    base = "a" * 64
    rng = random.Random(3)
    near = [_flip(rng, base, d) for d in (5, 0, 5, 3)]
    ids = ["zz", "mm", "aa", "bb"]
    fast = PdqIndex()
    fast.add(ids, near)
    [found] = fast.search([base], 31)
    assert found == [("mm", 0), ("bb", 3), ("aa", 5), ("zz", 5)]
    assert all(hamming(base, near[ids.index(i)]) == d for i, d in found)


def test_incremental_adds_removals_and_replacement_stay_exact() -> None:
    ids, hashes, queries = _corpus(11, 30_000)
    fast, slow = PdqIndex(), BruteForcePdqIndex()
    rng = random.Random(5)
    # many small batches: segments are created and merged, never one big rebuild per change
    start = 0
    for size in [9_000, 5_000, 1, 3_000, 700, 12_000, 299]:
        fast.add(ids[start : start + size], hashes[start : start + size])
        slow.add(ids[start : start + size], hashes[start : start + size])
        start += size
        assert fast.search(queries, 31) == slow.search(queries, 31)
    assert len(fast) == 30_000
    assert len(fast.segment_sizes) > 1
    # remove a third (unknown ids ignored), then re-add some with new hashes
    gone = [*rng.sample(ids, 10_000), "not-an-id", "f" * 32]
    fast.remove(gone)
    slow.remove(gone)
    assert len(fast) == len(slow) == 20_000
    assert fast.search(queries, 31) == slow.search(queries, 31)
    replaced = rng.sample(ids, 500)
    new_hashes = [_flip(rng, queries[i % len(queries)], i % 20) for i in range(500)]
    fast.add(replaced, new_hashes)
    slow.add(replaced, new_hashes)
    assert len(fast) == len(slow)
    for threshold in (0, 31, 52):
        assert fast.search(queries, threshold) == slow.search(queries, threshold)


def test_compaction_drops_deleted_rows() -> None:
    ids, hashes, queries = _corpus(13, 10_000)
    fast, slow = _both(ids, hashes)
    before = fast.memory_bytes()
    fast.remove(ids[:8_000])
    slow.remove(ids[:8_000])
    assert fast.segment_sizes == [2_000]
    assert fast.memory_bytes() < before
    assert fast.search(queries, 31) == slow.search(queries, 31)
    fast.remove(ids)
    assert len(fast) == 0
    assert fast.search(queries, 31) == [[] for _ in queries]


def test_duplicate_ids_in_one_call_last_wins_and_text_ids_round_trip() -> None:
    fast = PdqIndex()
    first, second = "0" * 64, "f" * 64
    fast.add(["entry-1", "entry-1", "Ünïcode id"], [first, second, first])
    assert len(fast) == 2
    assert fast.search([second], 0) == [[("entry-1", 0)]]
    assert fast.search([first], 0) == [[("Ünïcode id", 0)]]
    # a UUID hex id with trailing zero bytes survives the packed encoding
    fast.add(["abcdef" + "0" * 26], [second])
    assert fast.search([second], 0) == [[("abcdef" + "0" * 26, 0), ("entry-1", 0)]]


@pytest.mark.parametrize(
    "bad", ["", "g" * 64, "a" * 63, "a" * 65, " " + "a" * 63, "a" * 62 + "\n\n"]
)
def test_invalid_hashes_are_refused(bad: str) -> None:
    fast = PdqIndex()
    with pytest.raises(ValueError, match="PDQ"):
        fast.add(["x"], [bad])
    with pytest.raises(ValueError, match="PDQ"):
        fast.search([bad], 31)


def test_refuses_negative_threshold_and_mismatched_lengths() -> None:
    fast = PdqIndex()
    with pytest.raises(ValueError, match="threshold"):
        fast.search(["0" * 64], -1)
    with pytest.raises(ValueError, match="length"):
        fast.add(["a", "b"], ["0" * 64])


def test_both_backends_satisfy_the_protocol() -> None:
    backends: list[PdqSearch] = [PdqIndex(), BruteForcePdqIndex()]
    for backend in backends:
        backend.add(["a"], ["1" * 64])
        assert backend.search(["1" * 64, "0" * 64], 0) == [[("a", 0)], []]
        assert len(backend) == 1
        assert backend.memory_bytes() > 0


@pytest.mark.parametrize("threshold", [0, 11, 22, 31, 33, 44, 52, 54])
def test_probing_at_every_chunk_radius_equals_scanning(threshold: int) -> None:
    """Force the probing path (the size rule would scan a segment this small at high radii)."""
    ids, hashes, queries = _corpus(100 + threshold, 8_000)
    fast, _ = _both(ids, hashes)
    segment = fast._segments[0]
    words = pdq.parse_pdq(queries)
    radius = threshold // segments.CHUNKS
    probed = segment._search_probing(words, threshold, radius)
    scanned = segment._search_brute(words, threshold)

    def pairs(found: tuple[object, ...]) -> set[tuple[int, int, int]]:
        q, r, d = found
        return set(zip(q.tolist(), r.tolist(), d.tolist(), strict=True))  # type: ignore[attr-defined]

    assert pairs(probed) == pairs(scanned)
    assert len(pairs(scanned)) >= 3 * min(threshold + 1, 41)
