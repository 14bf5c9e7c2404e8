"""Sealing the audit chain: how fast the sealer numbers and chains committed entries, against
the cost of writing those entries at all, in the same run.

    python bench/audit_seal.py                       # SQLite, 100,000 entries
    python bench/audit_seal.py --pg postgresql://postgres@127.0.0.1:5432/test
    python bench/audit_seal.py --entries 20000 --runs 1

nohaven's time: `nohaven.audit.sealing.seal` in its job's transactions (5,000 entries each,
committed), over entries already committed unsealed, from the first to the last. The anchor:
inserting the same entries with ``executemany`` into a table of the same columns without
indexes or triggers, the floor of writing them once. Their ratio says what sealing adds to
auditing; ``sealed_per_s`` must stay far above the rate the platform writes entries (one or two
per request). PostgreSQL runs when ``--pg`` or NOHAVEN_TEST_DATABASE_URL names a server (a
database ``<name>_bench_audit`` is created there). Prints one JSON line with medians.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

from nohaven import migrate
from nohaven.audit import sealing
from nohaven.audit.models import AuditEntry
from nohaven.config import get_settings
from nohaven.db import create_db_engine, make_sessionmaker
from nohaven.keys.ring import data_keyring
from nohaven.kit.clock import utcnow

# The same content the sealer hashes, so the anchor inserts the same bytes.
COLUMNS = sealing.CONTENT_COLUMNS


def entries(count: int) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        {
            "at": now,
            "actor_user_id": f"{n % 997:032x}",
            "actor_label": f"analyst{n % 997}@agency.example",
            "organisation_id": f"{n % 61:032x}",
            "action": "hashes.match",
            "resource_type": "hash_match",
            "resource_id": None,
            "request_id": f"{n:032x}",
            "summary": '{"lists":[],"matches":0,"queries":1}',
        }
        for n in range(count)
    ]


def fresh_database(backend: str, pg_url: str | None, directory: Path, run: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{directory / f'audit-{run}.db'}"
    assert pg_url is not None
    base = make_url(pg_url).set(drivername="postgresql+psycopg")
    name = f"{base.database or 'test'}_bench_audit"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def anchor_insert(engine: Engine, rows: list[dict[str, Any]]) -> float:
    """The same rows into a plain table: the floor of writing them at all."""
    columns = ", ".join(f"{c} TEXT" for c in COLUMNS)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE anchor_audit ({columns})"))
    plain = [{c: str(r[c]) if r[c] is not None else None for c in COLUMNS} for r in rows]
    names = ", ".join(COLUMNS)
    marks = ", ".join(f":{c}" for c in COLUMNS)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO anchor_audit ({names}) VALUES ({marks})"), plain)  # noqa: S608
    return time.perf_counter() - started


def seal_everything(engine: Engine) -> tuple[float, float, int]:
    maker = make_sessionmaker(engine, keyring=data_keyring(get_settings()))
    sealed = 0
    started = time.perf_counter()
    cpu = time.process_time()
    while True:
        with maker() as session:
            batch = sealing.seal(session)
            session.commit()
        sealed += batch
        if batch < sealing.SEAL_BATCH:
            break
    return time.perf_counter() - started, time.process_time() - cpu, sealed


def run_once(url: str, count: int) -> dict[str, float]:
    migrate.upgrade(url)
    engine = create_db_engine(url)
    try:
        rows = entries(count)
        with engine.begin() as conn:
            conn.execute(insert(AuditEntry), rows)
        anchor_s = anchor_insert(engine, rows)
        seal_s, seal_cpu_s, sealed = seal_everything(engine)
        assert sealed == count, (sealed, count)
        with make_sessionmaker(engine, keyring=data_keyring(get_settings()))() as session:
            verified = sealing.verify(session)
        assert verified.ok, verified
        assert verified.checked == count, verified
        return {"seal_s": seal_s, "seal_cpu_s": seal_cpu_s, "anchor_insert_s": anchor_s}
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", default=os.environ.get("NOHAVEN_TEST_DATABASE_URL"))
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if args.pg else [])
    result: dict[str, Any] = {
        "benchmark": "audit_seal",
        "entries": args.entries,
        "runs": args.runs,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "loadavg_before": os.getloadavg()[0],
    }
    with tempfile.TemporaryDirectory() as directory:
        for backend in backends:
            runs = [
                run_once(fresh_database(backend, args.pg, Path(directory), n), args.entries)
                for n in range(args.runs)
            ]
            seal_s = statistics.median(r["seal_s"] for r in runs)
            anchor_s = statistics.median(r["anchor_insert_s"] for r in runs)
            result[backend] = {
                "seal_s": round(seal_s, 3),
                "seal_process_cpu_s": round(statistics.median(r["seal_cpu_s"] for r in runs), 3),
                "sealed_per_s": round(args.entries / seal_s),
                "anchor_insert_s": round(anchor_s, 3),
                "anchor_insert_per_s": round(args.entries / anchor_s),
                "ratio_to_anchor": round(seal_s / anchor_s, 2),
            }
    result["loadavg_after"] = os.getloadavg()[0]
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
