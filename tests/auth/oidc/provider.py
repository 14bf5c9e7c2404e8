"""The real OpenID provider of the sign-in tests: the certified `oidc-provider` package
(tests/peers/oidc, installed by `npm ci` there) run under Node.js on loopback."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

PEER = Path(__file__).resolve().parents[2] / "peers" / "oidc"
CLIENT_ID = "nohaven-test"
CLIENT_SECRET = "provider-client-secret-for-tests-only"
REDIRECT = "https://testserver/login/oidc/callback"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class OpenIdProvider:
    accounts: dict[str, dict[str, Any]]
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[str] | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> OpenIdProvider:
        node = shutil.which("node")
        if node is None or not (PEER / "node_modules" / "oidc-provider").is_dir():
            # A missing prerequisite fails; it never skips (.ci/run installs it with npm ci).
            pytest.fail(f"Node.js and `npm ci` in {PEER} are needed for the OpenID tests")
        env = {
            **os.environ,
            "OIDC_PORT": str(self.port),
            "OIDC_ACCOUNTS": json.dumps(self.accounts),
            "OIDC_CLIENT": json.dumps(
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [REDIRECT],
                }
            ),
        }
        self.process = subprocess.Popen(
            [node, str(PEER / "provider.mjs")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=PEER,
        )
        assert self.process.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if line.startswith("ready"):
                return self
            if not line and self.process.poll() is not None:
                break
        pytest.fail("the OpenID provider did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.process = None
