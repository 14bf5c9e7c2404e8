"""Server CPU per request, kind by kind, through a real `nohaven serve`.

    python bench/request_cost.py                                   # SQLite
    python bench/request_cost.py --pg postgresql://postgres@127.0.0.1:5432/postgres

One client sends ``--requests`` requests of each kind, one after another on one keep-alive
connection, to a single `nohaven serve` process (job worker off), and the server's own CPU
time (user + system, from /proc) is divided by the requests. Sent one at a time, requests
neither queue nor wait for each other, so the figure is the work a request costs, and a
busy machine changes it much less than it changes requests per second or latency: the
figure to compare between versions (docs/benchmarks.md). The anchor, measured in the same
run, is `GET /api/v1/health` (no authentication, one `SELECT 1`): what every request pays
for the HTTP stack and one round trip. ``ratio`` is a kind's CPU over the anchor's. The
database's own CPU (PostgreSQL) is not in the figures.

Kinds: single-hash PDQ match (half near a listed hash, half random), 100-hash match, the
lists, a page of 50 entries, one entry. Data: bench/load_setup.py at small sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

import load_setup
from load import Server
from load_client import Requests

KINDS = ("health", "match_1", "match_100", "lists", "entries", "entry")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(server: Server, requests: Requests, kind: str, count: int) -> dict[str, Any]:
    rng = random.Random(7)
    with httpx.Client(base_url=server.base, timeout=60) as client:

        def send() -> None:
            method, path, options = requests.build(kind, rng, 0)
            answer = client.request(method, path, **options)
            if answer.status_code >= 300:
                raise RuntimeError(f"{kind}: {answer.status_code} {answer.text[:300]}")

        for _ in range(min(200, count)):  # warm: caches, the index, the pool
            send()
        cpu, wall = cpu_seconds(server.process.pid), time.perf_counter()
        for _ in range(count):
            send()
        cpu, wall = cpu_seconds(server.process.pid) - cpu, time.perf_counter() - wall
    return {
        "requests": count,
        "server_cpu_ms_per_request": round(1000 * cpu / count, 3),
        "wall_ms_per_request": round(1000 * wall / count, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="", help="PostgreSQL server URL (else SQLite)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--records-per-list", type=int, default=5000)
    parser.add_argument("--kinds", default=",".join(KINDS))
    args = parser.parse_args()
    result: dict[str, Any] = {
        "bench": "request_cost",
        "database": "postgresql" if args.pg else "sqlite",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg_before": [round(x, 2) for x in os.getloadavg()],
    }
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        tag = f"nohaven_cost_{os.getpid()}"
        base = args.pg or f"sqlite:///{work}/{tag}.db"
        url = load_setup.create_database(base, tag)
        try:
            env = load_setup.bench_env(url)
            env["NOHAVEN_JOB_WORKER"] = "false"  # background jobs would bill their CPU here
            world = load_setup.populate(
                url,
                env,
                orgs=4,
                lists=2,
                records_per_list=args.records_per_list,
                motions=1,
                workdir=work,
            )
            server = Server(env, 1, work / "server.log")
            try:
                server.wait_ready()
                requests = Requests(world, cookies=[])
                kinds = [k for k in args.kinds.split(",") if k]
                figures = {k: measure(server, requests, k, args.requests) for k in kinds}
            finally:
                server.stop()
        finally:
            load_setup.drop_database(url)
    anchor = figures.get("health", {}).get("server_cpu_ms_per_request")
    for figure in figures.values():
        if anchor:
            figure["ratio"] = round(figure["server_cpu_ms_per_request"] / anchor, 2)
    result["kinds"] = figures
    result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
