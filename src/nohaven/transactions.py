"""One request, one connection, one short transaction (docs/request-path.md).

A request waits for a *slot* before it touches the database. There are as many slots as the
process has worker threads, and the connection pool holds a connection for every slot (plus
two spare), so a request that holds a slot always gets a connection and a thread: nothing waits
for a second connection while holding the first, which is how the pool deadlocked before.
The wait happens on the event loop (no thread is held) and ends in 503 + Retry-After.

Each request declares whether it writes. By default GET/HEAD/OPTIONS read and other methods
write; an endpoint overrides that with ``@reads`` or ``@writes`` (a GET that records an audited
read writes). On SQLite a reader opens a deferred transaction (a snapshot, no lock) and a writer
``BEGIN IMMEDIATE`` behind the process's write gate (nohaven.db). PostgreSQL needs no
distinction: MVCC readers never block.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from nohaven.audit.models import AuditEntry
from nohaven.errors import ServiceUnavailable

log = logging.getLogger("nohaven")

F = TypeVar("F", bound=Callable[..., Any])
_INTENT_ATTR = "__nohaven_intent__"
_READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SPARE_THREADS = 4
# Set by the test suite: a request declared as reading that writes fails loudly there, so the
# declaration is corrected instead of meeting "database is locked" in production.
strict_intent = False


def reads(endpoint: F) -> F:
    """Declare an endpoint with a writing method (a POST search, say) as reading only."""
    setattr(endpoint, _INTENT_ATTR, "read")
    return endpoint


def writes(endpoint: F) -> F:
    """Declare a GET endpoint as writing (it records an audited read, say)."""
    setattr(endpoint, _INTENT_ATTR, "write")
    return endpoint


def request_writes(request: Request) -> bool:
    endpoint = getattr(request.scope.get("route"), "endpoint", None)
    declared = getattr(endpoint, _INTENT_ATTR, None)
    if declared is not None:
        return bool(declared == "write")
    return request.method not in _READING_METHODS


class RequestSlots:
    """At most ``size`` requests of this process hold a database session at once."""

    def __init__(self, size: int, wait_seconds: float) -> None:
        self.size = size
        self.wait_seconds = wait_seconds
        # One semaphore per event loop: a test may drive the same app from several loops.
        self._by_loop: dict[int, asyncio.Semaphore] = {}

    def _semaphore(self) -> asyncio.Semaphore:
        loop = id(asyncio.get_running_loop())
        found = self._by_loop.get(loop)
        if found is None:
            found = self._by_loop[loop] = asyncio.Semaphore(self.size)
        return found

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        semaphore = self._semaphore()
        if semaphore.locked():
            try:
                async with asyncio.timeout(self.wait_seconds):
                    await semaphore.acquire()
            except TimeoutError:
                raise ServiceUnavailable("Every worker is busy; try again shortly.") from None
        else:
            # a free slot: taken at once, without arming a timer
            await semaphore.acquire()
        try:
            yield
        finally:
            semaphore.release()


def install(app: FastAPI, *, threads: int, wait_seconds: float) -> None:
    app.state.request_slots = RequestSlots(threads, wait_seconds)
    # every thread of anyio's pool (tests take them all to show nothing else needs one)
    app.state.request_threads = max(threads, 1) + SPARE_THREADS

    def size_threads(_app: FastAPI) -> None:
        # The worker threads of sync endpoints and dependencies: one per slot, so a request
        # holding a slot (and perhaps SQLite's write gate) always finds a thread for its next
        # step, plus a few for work that holds no slot (static files, sync dependencies of
        # routes without a session), which must never take the last thread from a slot holder.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = _app.state.request_threads

    app.state.startup_hooks.append(size_threads)


async def _in_thread(fn: Callable[[], Any]) -> None:
    await anyio.to_thread.run_sync(fn)


async def request_session(request: Request) -> AsyncIterator[Session]:
    """The request's one session and transaction: committed when the endpoint returns, before
    the response is sent, and rolled back on any error. Authentication runs in it too."""
    app = request.app
    slots: RequestSlots = app.state.request_slots
    async with slots.hold():
        session: Session = app.state.sessionmaker()
        if not request_writes(request):
            session.info["intent"] = "read"
            # Tests bind sessions to their own connection; only a session on the app's
            # engine moves to the reading variant of it (same pool).
            if session.bind is app.state.engine:
                session.bind = app.state.read_engine
        try:
            yield session
            # One trip to a worker thread for both: each trip costs the event loop, which
            # every request of the process shares, about as much as a small query.
            await _in_thread(partial(_commit_then_close, session))
        except BaseException:
            with anyio.CancelScope(shield=True):
                # Closing rolls back whatever is open and returns the connection clean.
                await _in_thread(session.close)
            raise


def _commit_then_close(session: Session) -> None:
    try:
        session.commit()
    finally:
        session.close()


# The dependency every router and the authentication dependencies share: one per request.
DbSession = Annotated[Session, Depends(request_session, scope="function")]


@event.listens_for(Session, "before_flush")
def _check_declared_intent(session: Session, _context: Any, _instances: Any) -> None:
    pending = session.new or session.dirty or session.deleted
    if strict_intent and pending and session.info.get("intent") == "read":
        raise RuntimeError(
            "a request declared as reading writes: mark its endpoint @nohaven.transactions.writes"
        )


@event.listens_for(Session, "do_orm_execute")
def _check_declared_intent_of_audit(state: ORMExecuteState) -> None:
    # Audit entries are written by an INSERT statement, not a flush: the same check for them.
    if (
        strict_intent
        and state.is_insert
        and state.session.info.get("intent") == "read"
        and getattr(state.statement, "table", None) is AuditEntry.__table__
    ):
        raise RuntimeError(
            "a request declared as reading writes: mark its endpoint @nohaven.transactions.writes"
        )
