"""`nohaven serve --workers N`: every worker process serves with the same settings and limits
as a single process would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                status = Path(f"/proc/{entry}/status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                found.append(int(entry))
    return found


def test_every_worker_refuses_an_oversized_body(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "NOHAVEN_DATABASE_URL": f"sqlite:///{tmp_path / 'workers.db'}",
        "NOHAVEN_DEMO": "true",
        "NOHAVEN_JOB_WORKER": "false",
        "NOHAVEN_BODY_MAX_JSON": "2048",
    }
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "nohaven", "serve", "--workers", "2"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while len(_children(process.pid)) < 2 or not _healthy(base):
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        workers = sorted(_children(process.pid))
        body = b'{"name": "' + b"x" * 4096 + b'"}'
        for _ in range(12):
            # a new connection each time, so the kernel hands them to either worker
            with httpx.Client(base_url=base, timeout=30) as client:
                refused = client.post(
                    "/api/v1/lists",
                    content=body,
                    headers={"Content-Type": "application/json", "Authorization": "Bearer nh_x"},
                )
            assert refused.status_code == 413, refused.text
            assert refused.headers["content-type"] == "application/problem+json"
        # The supervisor kept its workers: none was killed as unresponsive while it started
        # or served (its health check once killed slow starters over and over).
        assert sorted(_children(process.pid)) == workers
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    text = log.read_text()
    assert "Traceback" not in text
    assert "died" not in text, text[-3000:]


def test_the_supervisor_gives_workers_time_to_start() -> None:
    from nohaven.config import get_settings
    from nohaven.limits import server_options

    # uvicorn's 5 s killed workers that were still importing on a busy machine
    assert server_options(get_settings())["timeout_worker_healthcheck"] >= 30


def _healthy(base: str) -> bool:
    try:
        return httpx.get(base + "/api/v1/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
