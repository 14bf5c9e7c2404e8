"""Load: the whole alliance at once against real `nohaven serve` processes.

    python bench/load.py                                   # PostgreSQL 200 clients x 60 s for
                                                           # 1, 2, 4 workers; SQLite 50 clients
    python bench/load.py --databases postgresql --workers 1 --duration 10 --match-duration 5 \\
        --import-records 20000 --records-per-list 5000     # a quick look while developing

For each database, one set-up (load_setup.py: an alliance body, its member agencies with users
and API tokens, hash lists filled through the importer, open motions) is copied into a fresh
database for every run. Each run starts `nohaven serve --workers N` on a free loopback port
and drives it with closed-loop clients (load_client.py) in two phases:

1. match only: every client sends single-hash PDQ match requests (the figure behind "match
   requests per second");
2. the realistic mix (load_client.MIX): single-hash and 100-hash matches, list and entry reads,
   logged-in page views, motion votes, trust votes, health probes, while one big VICS import
   (--import-records records, three hashes each) runs through the CLI beside it.

Reported per run and per kind of request: requests/s, p50/p95/p99/max latency, OK answers,
4xx by status, 5xx, and errors (no answer: refused connection or the client's timeout); the
import's duration and result; and where the CPU went (server processes, this client, the rest
of the machine), so a busy machine shows. The anchor, measured in the same run, is the health
probe alone (no authentication, one `SELECT 1`): what the HTTP stack and a database round trip
cost, as a ceiling for every other kind. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import load_client
import load_setup

VENV_BIN = Path(sys.executable).parent
NOHAVEN = str(VENV_BIN / "nohaven")


class CpuMeter:
    """CPU seconds of the machine, of a process group (the servers) and of this process."""

    def __init__(self, group: int | None) -> None:
        self.group = group
        self.start = self._read()

    def _read(self) -> tuple[float, float, float, float]:
        with open("/proc/stat") as handle:
            fields = [float(x) for x in handle.readline().split()[1:]]
        tick = os.sysconf("SC_CLK_TCK")
        busy = (sum(fields) - fields[3] - fields[4]) / tick
        total = sum(fields) / tick
        server = 0.0
        if self.group is not None:
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                with contextlib.suppress(OSError, ValueError, IndexError):
                    with open(f"/proc/{entry}/stat") as handle:
                        rest = handle.read().rsplit(")", 1)[1].split()
                    if int(rest[2]) == self.group:
                        server += (int(rest[11]) + int(rest[12])) / tick
        return total, busy, server, time.process_time()

    def report(self) -> dict[str, float]:
        total, busy, server, client = (b - a for a, b in zip(self.start, self._read(), strict=True))
        cores = os.cpu_count() or 1
        wall = total / cores
        return {
            "machine_busy_pct": round(100 * busy / max(total, 1e-9), 1),
            "server_cpu_pct_of_machine": round(100 * server / max(total, 1e-9), 1),
            "client_cpu_pct_of_machine": round(100 * client / max(total, 1e-9), 1),
            "others_cpu_pct_of_machine": round(
                100 * max(0.0, busy - server - client) / max(total, 1e-9), 1
            ),
            "seconds": round(wall, 1),
            "server_cpu_s": round(server, 2),
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve_has_workers() -> bool:
    shown = subprocess.run(
        [NOHAVEN, "serve", "--help"], capture_output=True, text=True, check=False
    ).stdout
    return "--workers" in shown


class Server:
    """`nohaven serve` in its own process group, so its workers stop with it."""

    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [NOHAVEN, "serve"]
        if serve_has_workers():
            command += ["--workers", str(workers)]
        elif workers != 1:
            raise RuntimeError("this nohaven's `serve` has no --workers option")
        self.log_path = log
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            command,
            env={**env, "NOHAVEN_PORT": str(self.port), "NOHAVEN_HOST": "127.0.0.1"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            health = self.base + "/api/v1/health"
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(health, timeout=2) as answer,  # noqa: S310
            ):
                if answer.status == 200:
                    return
            time.sleep(0.3)
        tail = self.log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"server did not become healthy; its log ends:\n{tail}")

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


async def run_import(
    env: dict[str, str], args: argparse.Namespace, world: load_setup.World, path: Path, log: Path
) -> dict[str, Any]:
    await asyncio.sleep(args.import_delay)
    started = time.perf_counter()
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            NOHAVEN,
            "hashes",
            "import",
            str(path),
            "--list",
            world.import_list_id,
            "--as",
            world.emails[len(world.list_ids) % len(world.emails)],
            env={**env, "COLUMNS": "120"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            code = await asyncio.wait_for(process.wait(), args.import_timeout)
        except TimeoutError:
            process.kill()
            code = await process.wait()
            return {
                "records": args.import_records,
                "finished": False,
                "after_s": args.import_timeout,
            }
    tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
    return {
        "records": args.import_records,
        "hashes": 3 * args.import_records,
        "finished": True,
        "exit_code": code,
        "seconds": round(time.perf_counter() - started, 1),
        "started_after_s": args.import_delay,
        "last_line": tail[0][:200] if tail else "",
    }


def one_run(
    args: argparse.Namespace,
    env: dict[str, str],
    world: load_setup.World,
    *,
    workers: int,
    clients: int,
    import_file: Path,
    workdir: Path,
) -> dict[str, Any]:
    server = Server(env, workers, workdir / f"server-{workers}.log")
    run: dict[str, Any] = {"workers": workers, "clients": clients}
    try:
        server.wait_ready()
        group = os.getpgid(server.process.pid)
        # logging in costs an argon2 verification each: a few users browse the pages
        page_users = world.emails[: args.page_users]
        cookies = asyncio.run(load_client.log_in(server.base, page_users, args.timeout))
        requests = load_client.Requests(world, cookies)

        def phase(mix: dict[str, int], duration: float, during: Any = None) -> dict[str, Any]:
            meter = CpuMeter(group)
            samples, seconds = asyncio.run(
                load_client.run_clients(
                    server.base,
                    requests,
                    clients=clients,
                    mix=mix,
                    warmup=args.warmup,
                    duration=duration,
                    timeout=args.timeout,
                    seed=args.seed,
                    during=during,
                )
            )
            out = {"seconds": round(seconds, 1), **load_client.summarise(samples, seconds)}
            out["cpu"] = meter.report()
            # the servers' own CPU per answered request: a figure a busy machine does not skew
            # much (PostgreSQL's share is not in it)
            answered = out["all"]["requests"] - out["all"].get("errors", 0)
            if answered:
                out["cpu"]["server_cpu_ms_per_request"] = round(
                    1000 * out["cpu"]["server_cpu_s"] / answered, 2
                )
            return out

        if args.anchor_duration > 0:
            run["anchor_health"] = phase({"health": 1}, args.anchor_duration)
        if args.match_duration > 0:
            run["match_only"] = phase({"match_1": 1}, args.match_duration)
        imported: dict[str, Any] = {}

        async def during() -> None:
            if args.import_records:
                imported.update(
                    await run_import(
                        env, args, world, import_file, workdir / f"import-{workers}.log"
                    )
                )

        if args.duration > 0:
            run["mix"] = phase(load_client.MIX, args.duration, during)
            run["import"] = imported
    finally:
        server.stop()
    log_text = (workdir / f"server-{workers}.log").read_text(errors="replace")
    run["server_tracebacks"] = log_text.count("Traceback")
    return run


def one_database(args: argparse.Namespace, backend: str, workdir: Path) -> dict[str, Any]:
    sqlite = backend == "sqlite"
    tag = f"nohaven_bench_{os.getpid()}"
    base_url = f"sqlite:///{workdir}/{tag}.db" if sqlite else args.pg_url
    template_url = load_setup.create_database(base_url, f"{tag}_setup")
    env = load_setup.bench_env(template_url)
    started = time.perf_counter()
    world = load_setup.populate(
        template_url,
        env,
        orgs=args.orgs,
        lists=args.lists,
        records_per_list=args.records_per_list,
        motions=args.motions,
        workdir=workdir,
    )
    setup_s = time.perf_counter() - started
    import_file = load_setup.write_vics_file(
        workdir / "import.json", args.import_records, 7, ("pdq", "md5", "sha256")
    )
    out: dict[str, Any] = {
        "setup_s": round(setup_s, 1),
        "entries": world.entries,
        "lists": len(world.list_ids),
        "users": len(world.emails),
        "motions": len(world.motion_ids),
        "runs": [],
    }
    template_name = f"{tag}_setup"
    workers_list = args.sqlite_workers if sqlite else args.workers
    clients = args.sqlite_clients if sqlite else args.clients
    try:
        for workers in workers_list:
            url = load_setup.create_database(
                template_url, f"{tag}_w{workers}", template=template_name
            )
            try:
                run = one_run(
                    args,
                    {**env, "NOHAVEN_DATABASE_URL": url},
                    world,
                    workers=workers,
                    clients=clients,
                    import_file=import_file,
                    workdir=workdir,
                )
                out["runs"].append(run)
                # progress on stderr: a later failure does not lose the runs already measured
                print(json.dumps({backend: run}), file=sys.stderr, flush=True)
            finally:
                load_setup.drop_database(url)
    finally:
        load_setup.drop_database(template_url)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    ints = lambda text: [int(x) for x in text.split(",") if x]  # noqa: E731
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--sqlite-clients", type=int, default=50)
    parser.add_argument("--workers", type=ints, default=[1, 2, 4])
    parser.add_argument("--sqlite-workers", type=ints, default=[1])
    parser.add_argument("--duration", type=float, default=60, help="seconds of the mix")
    parser.add_argument("--match-duration", type=float, default=20)
    parser.add_argument("--anchor-duration", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--timeout", type=float, default=30, help="client timeout per request")
    parser.add_argument("--orgs", type=int, default=40)
    parser.add_argument("--lists", type=int, default=4)
    parser.add_argument("--records-per-list", type=int, default=25_000)
    parser.add_argument("--motions", type=int, default=5)
    parser.add_argument("--page-users", type=int, default=10, help="users who log in")
    parser.add_argument("--import-records", type=int, default=200_000)
    parser.add_argument("--import-delay", type=float, default=2)
    parser.add_argument("--import-timeout", type=float, default=600)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="keep logs in the work folder")
    args = parser.parse_args()

    result: dict[str, Any] = {
        "bench": "load",
        "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_version()}",
        "loadavg_before": [round(x, 2) for x in os.getloadavg()],
        "duration_s": args.duration,
        "match_duration_s": args.match_duration,
        "mix": load_client.MIX,
    }
    workdir = Path(tempfile.mkdtemp(prefix="nohaven-load-"))
    try:
        for backend in args.databases.split(","):
            result[backend] = one_database(args, backend, workdir)
    finally:
        if args.keep:
            result["workdir"] = str(workdir)
        else:
            for path in workdir.iterdir():
                path.unlink()
            workdir.rmdir()
    result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
