"""When each API token was last used: noted in memory by the request, written in batches.

Writing ``last_used_at`` inside the request made every call with a token that sat unused for a
minute a write transaction, under SQLite's write lock. The request now only notes the time
here; a flusher writes the batch in its own short transaction at most every
``FLUSH_SECONDS``, and a failed flush is logged and retried later, never felt by a request.
The figure is coarse on purpose (a minute), as before.

The flusher is a thread of its own, not one of the request threads (anyio's pool): a flush may
wait for SQLite's write gate, and a request thread spent on that wait is one a request holding
the gate may need to finish (its endpoint or its commit runs in another pool thread). With every
pool thread taken, the gate's holder waited for a thread and everyone else for the gate, until
the gate's timeout turned the queue into a burst of 503s (bench/load.py on SQLite, 50 clients).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import or_, update
from sqlalchemy.orm import Session, sessionmaker

from nohaven.auth.models import ApiToken
from nohaven.kit.clock import as_utc, utcnow

log = logging.getLogger("nohaven")
GRANULARITY = timedelta(minutes=1)
FLUSH_SECONDS = 20.0


class TokenUsage:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, datetime] = {}

    def note(self, token_id: str, stored: datetime | None, now: datetime | None = None) -> None:
        """Called on every authenticated API request: a dict update, no database work."""
        now = now or utcnow()
        if stored is not None and now - as_utc(stored) < GRANULARITY:
            return
        with self._lock:
            known = self._pending.get(token_id)
            if known is None or known < now:
                self._pending[token_id] = now

    def pending(self) -> dict[str, datetime]:
        with self._lock:
            return dict(self._pending)

    def flush(self, maker: sessionmaker[Session]) -> int:
        """Write what was noted; returns how many tokens were updated. Never raises."""
        with self._lock:
            batch, self._pending = self._pending, {}
        if not batch:
            return 0
        try:
            with maker() as session:
                for token_id, at in sorted(batch.items()):
                    session.execute(
                        update(ApiToken)
                        .where(
                            ApiToken.id == token_id,
                            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < at),
                        )
                        .values(last_used_at=at)
                    )
                session.commit()
        except Exception:
            log.warning("could not record API token use; will retry", exc_info=True)
            with self._lock:
                for token_id, at in batch.items():
                    self._pending.setdefault(token_id, at)
            return 0
        return len(batch)


class Flusher:
    """Flushes ``usage`` every ``every`` seconds (or at once when asked) in a thread of its own."""

    def __init__(self, usage: TokenUsage, maker: sessionmaker[Session], every: float) -> None:
        self._usage = usage
        self._maker = maker
        self._every = every
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="nohaven-token-usage", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._every)
            self._wake.clear()
            if not self._stop.is_set():
                self._usage.flush(self._maker)

    def flush_soon(self) -> None:
        self._wake.set()

    def stop(self, maker: sessionmaker[Session] | None = None, timeout: float = 10.0) -> None:
        """Stop the thread, then flush what is left through ``maker``: the app's sessionmaker
        at shutdown, which a test replaces with one on its own connection (a second
        connection would wait out the write gate behind the test's open transaction)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)
            self._thread = None
        self._usage.flush(maker or self._maker)


def install(app: FastAPI) -> None:
    usage = TokenUsage()
    app.state.token_usage = usage
    flusher = Flusher(usage, app.state.sessionmaker, FLUSH_SECONDS)
    app.state.token_usage_flusher = flusher
    app.state.startup_hooks.append(lambda _app: flusher.start())
    app.state.shutdown_hooks.append(lambda app_: flusher.stop(app_.state.sessionmaker))
