"""PDQ matching: nohaven's PdqIndex beside FAISS and threatexchange on the same data.

    python bench/hashes_match.py                       # 1M hashes per shape (a few minutes)
    python bench/hashes_match.py --size 10000000       # the big run (tens of minutes, ~12 GB)
    python bench/hashes_match.py --size 20000 --queries 500 --methods ours,flat   # smoke test

For each shape of list (uniform random, and clustered families of near-duplicates; see
pdq_data.py) and each index, all single-threaded on the same hashes and the same queries in
the same run:

* ours: nohaven.hashes.index.PdqIndex (multi-index hashing over 11 chunks, radius 2 each);
* flat: FAISS IndexBinaryFlat, a full popcount scan per query (exact by construction);
* mih-NxB: FAISS IndexBinaryMultiHash with N hash tables of B bits each, probed with
  nflip = threshold // N. Exact at the threshold by pigeonhole: the N tables cover all 256 bits
  in disjoint B-bit pieces (N * B = 256), so if two hashes differ in at most t bits, some piece
  differs in at most t // N bits, and probing every bucket within nflip = t // N bits of each
  piece finds them. For t = 31: 16x16 with nflip 1 (what HMA uses), 32x8 with nflip 0,
  8x32 with nflip 3;
* tx: threatexchange's PDQIndex (FAISS MultiHash 16x16 behind HMA's Python wrapper), one
  query per call as HMA matches.

FAISS's range search keeps distances strictly below the radius, so it is asked for t + 1.
Every index is checked against a brute-force scan on a sample of the queries, and against ours
on every query it ran. Prints one JSON line.
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
from collections.abc import Callable
from typing import Any

import numpy as np

import pdq_data
from nohaven.hashes.index import PdqIndex
from nohaven.hashes.pdq import words_to_hex

Results = list[list[int]]  # per query, sorted rows within the threshold
# an index's own search (timed), and the conversion of its answer to Results (not timed)
Search = tuple[Callable[[np.ndarray, int], Any], Callable[[Any], Results]]


def rss_bytes() -> int:
    """Resident size after returning freed heap pages to the system (glibc keeps them
    otherwise, which would count build-time temporaries as index memory)."""
    gc.collect()
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def row_id(i: int) -> str:
    return f"{i:032x}"


class Clock:
    """Wall and CPU time of a block: on a shared machine CPU time shows the index's own cost."""

    def __enter__(self) -> Clock:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0


def build_ours(words: np.ndarray, chunk: int) -> Search:
    index = PdqIndex()
    for start in range(0, len(words), chunk):
        stop = min(len(words), start + chunk)
        index.add([row_id(i) for i in range(start, stop)], words_to_hex(words[start:stop]))

    def search(queries: np.ndarray, threshold: int) -> Any:
        return index.search(words_to_hex(queries), threshold)

    def rows(found: list[list[tuple[str, int]]]) -> Results:
        return [sorted(int(i, 16) for i, _ in hits) for hits in found]

    return search, rows


def _faiss_results(answer: tuple[np.ndarray, np.ndarray, np.ndarray]) -> Results:
    lims, _, ids = answer
    return [sorted(ids[lims[i] : lims[i + 1]].tolist()) for i in range(len(lims) - 1)]


def build_flat(words: np.ndarray, chunk: int) -> Search:
    import faiss

    index = faiss.IndexBinaryFlat(256)
    for start in range(0, len(words), chunk):
        index.add(pdq_data.to_bytes(words[start : start + chunk]))

    def search(queries: np.ndarray, threshold: int) -> Any:
        return index.range_search(pdq_data.to_bytes(queries), threshold + 1)

    return search, _faiss_results


def build_mih(nhash: int) -> Callable[[np.ndarray, int], Search]:
    def build(words: np.ndarray, chunk: int) -> Search:
        import faiss

        index = faiss.IndexBinaryMultiHash(256, nhash, 256 // nhash)
        for start in range(0, len(words), chunk):
            index.add(pdq_data.to_bytes(words[start : start + chunk]))

        def search(queries: np.ndarray, threshold: int) -> Any:
            index.nflip = threshold // nhash
            return index.range_search(pdq_data.to_bytes(queries), threshold + 1)

        return search, _faiss_results

    return build


def build_tx(words: np.ndarray, chunk: int) -> Search:
    from threatexchange.signal_type.pdq.pdq_index import PDQIndex

    index: PDQIndex[int] = PDQIndex()
    for start in range(0, len(words), chunk):
        stop = min(len(words), start + chunk)
        hexes = words_to_hex(words[start:stop])
        index.add_all(zip(hexes, range(start, stop), strict=True))

    def search(queries: np.ndarray, threshold: int) -> Any:
        assert threshold == PDQIndex.get_match_threshold()
        return [index.query(q) for q in words_to_hex(queries)]

    def rows(found: list[Any]) -> Results:
        return [sorted(m.metadata for m in matches) for matches in found]

    return search, rows


METHODS: dict[str, Callable[[np.ndarray, int], Search]] = {
    "ours": build_ours,
    "flat": build_flat,
    "mih-16x16": build_mih(16),
    "mih-32x8": build_mih(32),
    "mih-8x32": build_mih(8),
    "tx": build_tx,
}
SLOW = {"flat", "tx", "mih-32x8", "mih-8x32"}  # a scan, Python per query, many probes


def run_shape(
    words: np.ndarray, queries: np.ndarray, truth: Results, args: argparse.Namespace
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ours: Results | None = None
    for name in args.methods:
        gc.collect()
        before = rss_bytes()
        with Clock() as built:
            search, rows = METHODS[name](words, args.chunk)
        rss = rss_bytes() - before
        n = min(len(queries), args.slow_queries if name in SLOW else len(queries))
        with Clock() as ran:
            answer = search(queries[:n], args.threshold)
        found = rows(answer)
        checked = min(n, len(truth))
        row: dict[str, Any] = {
            "build_s": round(built.wall, 1),
            "index_rss_bytes": rss,
            "queries": n,
            "queries_per_s": round(n / ran.wall, 1),
            "queries_per_cpu_s": round(n / max(ran.cpu, 1e-9), 1),
            "matches": sum(len(r) for r in found),
            "exact_vs_brute_force": found[:checked] == truth[:checked],
            "brute_force_checked": checked,
        }
        if name == "ours":
            ours = found
        elif ours is not None:
            row["same_as_ours"] = found == ours[:n]
        out[name] = row
        del search, rows, answer, found
    base = out.get("ours")
    if base:
        for name, row in out.items():
            if name != "ours":
                row["ours_speedup"] = round(base["queries_per_s"] / row["queries_per_s"], 1)
                row["ours_speedup_cpu"] = round(
                    base["queries_per_cpu_s"] / row["queries_per_cpu_s"], 1
                )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument(
        "--slow-queries",
        type=int,
        default=None,
        help=f"queries for {', '.join(sorted(SLOW))} (default 2e9 / size)",
    )
    parser.add_argument("--check-queries", type=int, default=100, help="brute-force sample")
    parser.add_argument("--threshold", type=int, default=31)
    parser.add_argument("--chunk", type=int, default=1_000_000, help="hashes added per call")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--shapes", default="uniform,clustered")
    parser.add_argument("--methods", default=",".join(METHODS))
    args = parser.parse_args()
    args.methods = [m for m in args.methods.split(",") if m]
    if unknown := set(args.methods) - set(METHODS):
        parser.error(f"unknown methods: {sorted(unknown)}")
    if args.slow_queries is None:
        args.slow_queries = min(args.queries, max(100, 2 * 10**9 // args.size))
    args.check_queries = min(args.check_queries, args.slow_queries, args.queries)

    import faiss

    faiss.omp_set_num_threads(1)  # single thread, like ours
    load_before = os.getloadavg()
    result: dict[str, Any] = {
        "bench": "hashes_match",
        "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_version()}",
        "size": args.size,
        "queries": args.queries,
        "slow_queries": args.slow_queries,
        "threshold": args.threshold,
        "threads": 1,
    }
    for shape in args.shapes.split(","):
        words = getattr(pdq_data, shape)(args.size, args.seed)
        queries = pdq_data.queries(words, args.queries, args.seed)
        with Clock() as scanned:
            truth = [
                pdq_data.brute_force(words, q, args.threshold)
                for q in queries[: args.check_queries]
            ]
        result[shape] = run_shape(words, queries, truth, args)
        result[shape]["brute_force_queries_per_s"] = round(len(truth) / scanned.wall, 2)
        del words, queries
    result["loadavg_before"] = [round(x, 2) for x in load_before]
    result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    result["max_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(result))


if __name__ == "__main__":
    main()
