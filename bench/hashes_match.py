"""PDQ matching: nohaven's PdqIndex against threatexchange's PDQIndex on the same data.

    python bench/hashes_match.py --size 1000000
    python bench/hashes_match.py --size 10000000 --tx-queries 1000

Synthetic random PDQ hashes, 1 % of them planted near-duplicates (distance 0-40) of others;
queries are stored hashes with 0-40 bits flipped (so each has real matches) plus a few random
ones. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import os
import platform
import resource
import time

import numpy as np

from nohaven.hashes.index import PdqIndex, words_to_hex


def rss_bytes() -> int:
    """Resident size after returning freed heap pages to the system (glibc keeps them
    otherwise, which would count build-time temporaries as index memory)."""
    gc.collect()
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def flip(rng: np.random.Generator, words: np.ndarray, distances: np.ndarray) -> np.ndarray:
    """Copy of ``words`` (n, 4) with distances[i] distinct random bits flipped in row i."""
    out = words.copy()
    for i, d in enumerate(distances.tolist()):
        bits = rng.choice(256, size=d, replace=False)
        for b in bits.tolist():
            out[i, b // 64] ^= np.uint64(1) << np.uint64(b % 64)
    return out


def make_data(size: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    words = rng.integers(0, 2**64 - 1, size=(size, 4), dtype=np.uint64, endpoint=True)
    planted = size // 100
    sources = rng.integers(0, size - planted, size=planted)
    words[size - planted :] = flip(rng, words[sources], rng.integers(0, 41, size=planted))
    return words


def make_queries(words: np.ndarray, count: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed + 1)
    near = count - count // 20
    sources = rng.integers(0, len(words), size=near)
    flipped = flip(rng, words[sources], np.arange(near) % 41)
    random_rows = rng.integers(0, 2**64 - 1, size=(count - near, 4), dtype=np.uint64)
    return words_to_hex(np.concatenate([flipped, random_rows]))


def row_id(i: int) -> str:
    return f"{i:032x}"


def brute_force(words: np.ndarray, query_hex: str, threshold: int) -> list[tuple[str, int]]:
    q = np.frombuffer(bytes.fromhex(query_hex), dtype=">u8").astype(np.uint64)
    hits: list[tuple[str, int]] = []
    for start in range(0, len(words), 1 << 20):
        block = words[start : start + (1 << 20)]
        d = np.bitwise_count(block ^ q).sum(axis=1)
        hits.extend((row_id(start + int(i)), int(d[i])) for i in np.flatnonzero(d <= threshold))
    return sorted(hits, key=lambda item: (item[1], item[0]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--tx-queries", type=int, default=None, help="default: all queries")
    parser.add_argument("--brute-queries", type=int, default=None, help="default: all queries")
    parser.add_argument("--threshold", type=int, default=31)
    parser.add_argument("--chunk", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-tx", action="store_true")
    args = parser.parse_args()

    words = make_data(args.size, args.seed)
    queries = make_queries(words, args.queries, args.seed)
    gc.collect()

    rss_before = rss_bytes()
    index = PdqIndex()
    started = time.perf_counter()
    for start in range(0, args.size, args.chunk):
        stop = min(args.size, start + args.chunk)
        ids = [row_id(i) for i in range(start, stop)]
        index.add(ids, words_to_hex(words[start:stop]))
        del ids
    build_s = time.perf_counter() - started
    gc.collect()
    rss_index = rss_bytes() - rss_before

    started = time.perf_counter()
    ours = index.search(queries, args.threshold)
    ours_s = time.perf_counter() - started
    matches = sum(len(r) for r in ours)

    brute_n = args.queries if args.brute_queries is None else args.brute_queries
    brute_sample = np.random.default_rng(args.seed + 2).choice(
        args.queries, size=min(brute_n, args.queries), replace=False
    )
    started = time.perf_counter()
    identical = all(
        ours[int(i)] == brute_force(words, queries[int(i)], args.threshold) for i in brute_sample
    )
    brute_s = time.perf_counter() - started

    result: dict[str, object] = {
        "bench": "hashes_match",
        "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_version()}",
        "size": args.size,
        "queries": args.queries,
        "threshold": args.threshold,
        "build_s": round(build_s, 1),
        "index_bytes": index.memory_bytes(),
        "index_rss_bytes": rss_index,
        "segments": index.segment_sizes,
        "queries_per_s": round(args.queries / ours_s, 1),
        "matches": matches,
        "identical_to_brute_force": identical,
        "brute_force_checked_queries": len(brute_sample),
        "brute_force_queries_per_s": round(len(brute_sample) / brute_s, 2),
    }

    if not args.skip_tx:
        import faiss
        from threatexchange.signal_type.pdq.pdq_index import PDQIndex

        faiss.omp_set_num_threads(1)  # single thread, like ours
        del index
        gc.collect()
        rss_before = rss_bytes()
        started = time.perf_counter()
        tx: PDQIndex[int] = PDQIndex()
        for start in range(0, args.size, args.chunk):
            stop = min(args.size, start + args.chunk)
            hexes = words_to_hex(words[start:stop])
            tx.add_all((h, i) for i, h in zip(range(start, stop), hexes, strict=True))
        tx_build_s = time.perf_counter() - started
        gc.collect()
        tx_rss = rss_bytes() - rss_before
        tx_n = args.queries if args.tx_queries is None else args.tx_queries
        started = time.perf_counter()
        tx_matches = [tx.query(q) for q in queries[:tx_n]]
        tx_s = time.perf_counter() - started
        tx_qps = tx_n / tx_s
        agree = all(
            sorted(row_id(m.metadata) for m in found) == sorted(i for i, _ in ours[k])
            for k, found in enumerate(tx_matches)
        )
        result.update(
            {
                "tx_build_s": round(tx_build_s, 1),
                "tx_rss_bytes": tx_rss,
                "tx_queries": tx_n,
                "tx_queries_per_s": round(tx_qps, 1),
                "tx_same_matches": agree,
                "speedup_vs_tx": round(args.queries / ours_s / tx_qps, 1),
            }
        )
    result["max_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(result))


if __name__ == "__main__":
    main()
