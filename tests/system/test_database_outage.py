"""PostgreSQL going away under load: clients get 503 problem+json with Retry-After (never a
500, never a hang), and the same server process recovers by itself when it is back. The
outage is real: the server reaches PostgreSQL through a TCP proxy on loopback that the test
cuts (every connection dropped, new ones refused) and restores."""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.system.live import build_world, fresh_database, serve


class Proxy:
    """Forwards a loopback port to PostgreSQL until cut; restore listens again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        with self._lock:
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut while this one was being accepted
                    client.close()
                    upstream.close()
                    return
                self._open |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with self._lock:
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            dropped, self._open = self._open, set()
        for s in dropped:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


@pytest.mark.slow
def test_postgres_outage_gives_503_then_recovers_without_restart(
    backend: str, tmp_path: Path
) -> None:
    if backend != "postgresql":
        pytest.skip("a server that can go away and come back: PostgreSQL")
    world = build_world(fresh_database(backend, tmp_path, "outage"), entries=4)
    real = make_url(world.settings.database_url)
    proxy = Proxy((real.host or "127.0.0.1", real.port or 5432))
    proxy.start()
    url = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    settings = world.settings.model_copy(update={"database_url": url, "db_wait_seconds": 3.0})

    statuses: Counter[int] = Counter()
    bad: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def client_loop(base: str, n: int) -> None:
        headers = world.partners[n % len(world.partners)]
        with httpx.Client(base_url=base, timeout=30) as client:
            while not stop.is_set():
                if n % 2:
                    response = client.get("/api/v1/lists", headers=headers)
                else:
                    response = client.post(
                        "/api/v1/match",
                        json={"queries": [{"signal_type": "pdq", "value": secrets.token_hex(32)}]},
                        headers=headers,
                    )
                with lock:
                    statuses[response.status_code] += 1
                    if response.status_code == 503:
                        if (
                            "retry-after" not in response.headers
                            or response.headers["content-type"] != "application/problem+json"
                        ):
                            bad.append(f"503 without Retry-After/problem: {response.headers}")
                    elif response.status_code != 200:
                        bad.append(f"{response.status_code}: {response.text[:200]}")
                time.sleep(0.02)

    with serve(settings) as served:
        threads = [threading.Thread(target=client_loop, args=(served.url, n)) for n in range(6)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        proxy.cut()
        time.sleep(3.0)
        with httpx.Client(base_url=served.url, timeout=30) as probe:
            down = probe.get("/api/v1/lists", headers=world.owner)
            health = probe.get("/api/v1/health")
        proxy.start()
        recovered_at = None
        deadline = time.monotonic() + 20
        with httpx.Client(base_url=served.url, timeout=30) as probe:
            while time.monotonic() < deadline:
                if probe.get("/api/v1/lists", headers=world.owner).status_code == 200:
                    recovered_at = time.monotonic()
                    break
                time.sleep(0.2)
        time.sleep(1.0)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    assert down.status_code == 503
    assert down.headers["content-type"] == "application/problem+json"
    assert int(down.headers["retry-after"]) >= 1
    assert health.status_code == 503
    assert recovered_at is not None, "the server did not recover after PostgreSQL came back"
    assert bad == [], bad[:5]
    assert statuses[503] > 0
    assert statuses[200] > 0
    assert set(statuses) <= {200, 503}, statuses
