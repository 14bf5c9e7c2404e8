"""Real nohaven nodes for the federation tests: each a `nohaven serve` process on loopback
with its own database and identity key, its access log kept in a file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from nohaven.cli import app
from nohaven.config import FederationSettings, Settings, get_settings
from nohaven.db import session_scope
from nohaven.federation import identity


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Node:
    name: str
    database_url: str
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def key_file(self) -> Path:
        return self.folder / f"{self.name}.key"

    @property
    def log(self) -> Path:
        return self.folder / f"{self.name}.log"

    @property
    def settings(self) -> Settings:
        return get_settings().model_copy(
            update={
                "database_url": self.database_url,
                "federation": FederationSettings(
                    node_key_file=self.key_file,
                    node_name=self.name,
                    public_url=self.url,
                    page_size=int(os.environ.get("NOHAVEN_FEDERATION_PAGE_SIZE", "5000")),
                ),
            }
        )

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "NOHAVEN_DATABASE_URL": self.database_url,
            "NOHAVEN_FEDERATION_NODE_KEY_FILE": str(self.key_file),
            "NOHAVEN_FEDERATION_NODE_NAME": self.name,
            "NOHAVEN_FEDERATION_PUBLIC_URL": self.url,
            "NOHAVEN_PLAIN_HTTP_ON_LOOPBACK": "true",
            "NOHAVEN_JOB_WORKER": "false",
            **extra,
        }

    def start(self) -> None:
        self.launch()
        self.wait()

    def launch(self) -> None:
        if not self.key_file.exists():
            identity.generate_key_file(self.key_file)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "nohaven",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + 300  # three servers starting at once on a busy machine
        while not self.healthy():
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            assert time.monotonic() < deadline, self.log.read_text()[-3000:]
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def healthy(self) -> bool:
        try:
            return httpx.get(self.url + "/api/v1/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def requests_logged(self) -> list[str]:
        """The access log's request lines so far."""
        return [
            line
            for line in self.log.read_text(errors="replace").splitlines()
            if '"GET ' in line or '"POST ' in line or '"PATCH ' in line
        ]

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.settings) as session:
            yield session

    def cli(self, *args: str) -> str:
        result = CliRunner().invoke(app, list(args), obj=self.settings)
        assert result.exit_code == 0, (result.output, result.exception)
        return result.output

    def cli_result(self, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(app, list(args), obj=self.settings)
        return result.exit_code, result.output
