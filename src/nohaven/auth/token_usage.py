"""When each API token was last used: noted in memory by the request, written in batches.

Writing ``last_used_at`` inside the request made every call with a token that sat unused for a
minute a write transaction, under SQLite's write lock. The request now only notes the time
here; a flusher writes the batch in its own short transaction at most every
``FLUSH_SECONDS``, and a failed flush is logged and retried later, never felt by a request.
The figure is coarse on purpose (a minute), as before.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import datetime, timedelta

import anyio.to_thread
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


def install(app: FastAPI) -> None:
    usage = TokenUsage()
    app.state.token_usage = usage
    tasks: list[asyncio.Task[None]] = []

    async def flush_now() -> None:
        await anyio.to_thread.run_sync(usage.flush, app.state.sessionmaker)

    async def flusher() -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            await flush_now()

    def start(_app: FastAPI) -> None:
        tasks.append(asyncio.get_running_loop().create_task(flusher()))

    def stop(_app: FastAPI) -> None:
        for task in tasks:
            task.cancel()
        tasks.clear()
        usage.flush(app.state.sessionmaker)

    app.state.startup_hooks.append(start)
    app.state.shutdown_hooks.append(stop)
