"""Importing a VICS hash set: nohaven's import against the raw bulk-insert speed of the same
database, measured in the same run.

    python bench/hashes_import.py                       # SQLite, 200,000 records
    python bench/hashes_import.py --pg postgresql://postgres@127.0.0.1:5432/test
    python bench/hashes_import.py --records 50000 --runs 1

The file is synthetic VICS 2.0 JSON: every record has a random MD5, SHA1 and PDQ (three hashes
per record, so 200,000 records are 600,000 entries) and a VICS category. nohaven's time is the
whole import of the file into an empty list (parse, validate, stage, publish, audit). The
anchor is the same 600,000 rows, already in memory, written by the database's fastest plain
path into a table without indexes: ``executemany`` on SQLite, ``COPY`` on PostgreSQL. The
ratio says how far the import is from that limit. PostgreSQL runs when ``--pg`` or
NOHAVEN_TEST_DATABASE_URL names a server (a database ``<name>_bench_import`` is created
there). Prints one JSON line with medians over ``--runs``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from nohaven import migrate
from nohaven.auth import service as auth_service
from nohaven.auth.actor import Actor
from nohaven.config import get_settings
from nohaven.db import create_db_engine, make_sessionmaker
from nohaven.hashes import exchange, service
from nohaven.hashes.schemas import HashListCreate
from nohaven.keys.ring import data_keyring
from nohaven.members.models import Organisation, User

TARGETS_S = {"sqlite": 40.0, "postgresql": 20.0}
ROW_COLUMNS = "signal_type, value, classification_scheme, classification, source, comment"


def write_vics(path: Path, records: int, seed: int) -> list[tuple[str, ...]]:
    """Write the VICS file; returns its entries as rows for the anchor."""
    rnd = random.Random(seed)
    rows: list[tuple[str, ...]] = []
    with path.open("w", encoding="utf-8") as out:
        out.write('{"@odata.context": "https://example.invalid/$metadata#Media", "value": [\n')
        for n in range(1, records + 1):
            md5 = f"{rnd.getrandbits(128):032X}"
            sha1 = f"{rnd.getrandbits(160):040X}"
            pdq = f"{rnd.getrandbits(256):064x}"
            category = rnd.randint(0, 4)
            out.write(
                f'{{"MediaID": {n}, "MD5": "{md5}", "SHA1": "{sha1}", "Category": {category},'
                ' "VictimIdentified": false, "AlternativeHashes": [{"HashName": "PDQ",'
                f' "HashValue": "{pdq}"}}]}}'
            )
            out.write(",\n" if n < records else "\n")
            for kind, value in (("md5", md5.lower()), ("sha1", sha1.lower()), ("pdq", pdq)):
                rows.append((kind, value, "vics_us", str(category), "VICS import", ""))
        out.write("]}\n")
    return rows


def owner(engine: Engine) -> Actor:
    with make_sessionmaker(engine, keyring=data_keyring(get_settings()))() as session:
        org = Organisation(name=f"Bench {time.time_ns()}", kind="law_enforcement", country="GB")
        session.add(org)
        session.flush()
        user = User(
            email=f"bench{time.time_ns()}@example.org",
            display_name="Bench",
            organisation_id=org.id,
            roles=["analyst"],
            password_hash="-",  # noqa: S106 - not a hash: this user never logs in
        )
        session.add(user)
        session.flush()
        session.refresh(user, ["organisation"])
        actor = auth_service.actor_for(session, user)
        session.commit()
        return actor


def new_list(engine: Engine, actor: Actor) -> str:
    with make_sessionmaker(engine, keyring=data_keyring(get_settings()))() as session:
        data = HashListCreate(name=f"Bench {time.time_ns()}", tlp="TLP:AMBER")
        hash_list = service.create_list(session, actor=actor, data=data)
        session.commit()
        return hash_list.id


class CpuClock:
    """CPU seconds used by this process and by the PostgreSQL server processes serving its
    connections (a local server: read from /proc), so that a busy machine does not count."""

    def __init__(self, engine: Engine) -> None:
        self.backends: set[int] = set()
        if engine.dialect.name == "postgresql":

            @event.listens_for(engine, "checkout")
            def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
                self.backends.add(int(dbapi_connection.info.backend_pid))

    def _server(self) -> float:
        ticks = 0
        for pid in self.backends:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def now(self) -> float:
        return time.process_time() + self._server()


def time_import(
    engine: Engine, clock: CpuClock, actor: Actor, path: Path
) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, entries added)."""
    list_id = new_list(engine, actor)
    with engine.connect():
        pass  # the clock knows the pooled connection's server process before it starts
    started, cpu = time.perf_counter(), clock.now()
    with path.open("rb") as source:
        report = exchange.import_file(
            make_sessionmaker(engine, keyring=data_keyring(get_settings())),
            actor=actor,
            list_id=list_id,
            fmt="vics",
            source=source,
        )
    elapsed, cpu = time.perf_counter() - started, clock.now() - cpu
    if not report.committed:
        raise RuntimeError(f"the import was refused: {report.rejected[:3]}")
    return elapsed, cpu, report.added


def time_anchor(
    engine: Engine, clock: CpuClock, rows: list[tuple[str, ...]], run: int
) -> tuple[float, float]:
    """(wall seconds, CPU seconds)."""
    table = f"bench_anchor_{run}"
    ddl = (
        f"CREATE TABLE {table} (signal_type varchar(16), value varchar(300),"
        " classification_scheme varchar(16), classification varchar(16),"
        " source varchar(200), comment text)"
    )
    with engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute(ddl)
            started, cpu = time.perf_counter(), clock.now()
            cursor.execute("BEGIN")
            insert = f"INSERT INTO {table} ({ROW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"  # noqa: S608
            cursor.executemany(insert, rows)
            cursor.execute("COMMIT")
            elapsed, cpu = time.perf_counter() - started, clock.now() - cpu
            cursor.execute(f"DROP TABLE {table}")
        else:
            cursor.execute(ddl)
            raw.commit()
            started, cpu = time.perf_counter(), clock.now()  # (connection checked out above)
            with cursor.copy(f"COPY {table} ({ROW_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            raw.commit()
            elapsed, cpu = time.perf_counter() - started, clock.now() - cpu
            cursor.execute(f"DROP TABLE {table}")
            raw.commit()
    return elapsed, cpu


def measure(engine: Engine, path: Path, rows: list[tuple[str, ...]], runs: int) -> dict[str, Any]:
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    actor = owner(engine)
    clock = CpuClock(engine)
    ours, ours_cpu, anchor, anchor_cpu = [], [], [], []
    for run in range(runs):
        elapsed, used, added = time_import(engine, clock, actor, path)
        if added != len(rows):
            raise RuntimeError(f"{added} entries added, {len(rows)} expected")
        ours.append(elapsed)
        ours_cpu.append(used)
        elapsed, used = time_anchor(engine, clock, rows, run)
        anchor.append(elapsed)
        anchor_cpu.append(used)
    name = engine.dialect.name
    median_ours, median_anchor = statistics.median(ours), statistics.median(anchor)
    median_ours_cpu, median_anchor_cpu = statistics.median(ours_cpu), statistics.median(anchor_cpu)
    return {
        "import_s": round(median_ours, 2),
        "anchor": "executemany" if name == "sqlite" else "COPY",
        "anchor_s": round(median_anchor, 2),
        "ratio": round(median_ours / median_anchor, 2),
        # CPU seconds of this process and of the server processes working for it: on a
        # shared machine, the fairer figures.
        "import_cpu_s": round(median_ours_cpu, 2),
        "anchor_cpu_s": round(median_anchor_cpu, 2),
        "ratio_cpu": round(median_ours_cpu / median_anchor_cpu, 2),
        "entries_per_s": round(len(rows) / median_ours),
        "target_s": TARGETS_S[name],
        "meets_target": median_ours < TARGETS_S[name],
        "meets_target_cpu": median_ours_cpu < TARGETS_S[name],
        "import_runs_s": [round(t, 2) for t in ours],
        "anchor_runs_s": [round(t, 2) for t in anchor],
    }


def pg_engine(url: str) -> Engine:
    base = make_url(url).set(drivername="postgresql+psycopg")
    name = f"{base.database or 'postgres'}_bench_import"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return create_db_engine(base.set(database=name).render_as_string(hide_password=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--pg", default=os.environ.get("NOHAVEN_TEST_DATABASE_URL"))
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {
        "bench": "hashes_import",
        "records": args.records,
        "entries": 3 * args.records,
        "runs": args.runs,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg_before": round(os.getloadavg()[0], 2),
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "set.json"
        rows = write_vics(path, args.records, args.seed)
        result["file_mb"] = round(path.stat().st_size / 1e6, 1)
        if not args.no_sqlite:
            engine = create_db_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
            result["sqlite"] = measure(engine, path, rows, args.runs)
            engine.dispose()
        if args.pg:
            engine = pg_engine(args.pg)
            result["postgresql"] = measure(engine, path, rows, args.runs)
            engine.dispose()
    result["loadavg_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
