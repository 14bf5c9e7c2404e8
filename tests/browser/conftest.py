"""Real-browser tests: a live server on a database of its own (with the demo data) and
Debian's Chromium driven by Playwright. In CI a missing Chromium fails the run; on a
developer's machine without it these tests are skipped with the reason shown."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.orm import Session

from nohaven import migrate
from nohaven.config import Settings, get_settings
from nohaven.db import session_scope
from nohaven.demo import load_demo
from nohaven.main import create_app
from tests.conftest import postgres_database

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    settings: Settings

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A committed transaction on the live server's database, to arrange data."""
        with session_scope(self.settings) as session:
            yield session


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if backend == "postgresql":
        url = postgres_database("live")
    else:
        path: Path = tmp_path_factory.mktemp("live") / "live.db"
        url = f"sqlite:///{path}"
    port = _free_port()
    settings = get_settings().model_copy(update={"database_url": url, "demo": True, "port": port})
    migrate.upgrade(url)
    with session_scope(settings) as session:
        load_demo(session, settings=settings)
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    yield LiveServer(url=f"http://127.0.0.1:{port}", settings=settings)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    chromium = os.environ.get("NOHAVEN_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        message = f"Chromium not found at {chromium} (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(15000)
    opened = context.new_page()
    yield opened
    context.close()


def browser_login(
    page: Page, server: LiveServer, email: str, password: str, *, totp_secret: str | None = None
) -> None:
    """Log in through the login page; answers the TOTP step when a secret is given."""
    page.goto(server.url + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if totp_secret is not None:
        page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(totp_secret).now())
        page.get_by_role("button", name="Verify").click()
    page.wait_for_url(server.url + "/")
