"""API tokens' actors, remembered for a second by each process.

Every API request needs its actor: the token with its user and organisation, and the
organisation's seats in bodies today. Reading that was the largest share of a match request's
CPU (docs/benchmarks.md, "Where the time goes"), and scripts send the same token thousands of
times a minute. Each process therefore keeps a resolved actor for ``TTL_SECONDS``, keyed by the
SHA-256 of the token's secret (what the database stores; a hit is the same secret).

How a change takes effect:

- in this process at once: a commit (or flush) that touches a token, a user, an organisation or
  a seat — a revocation, a role or seat change, a deactivated account — empties every cache of
  the process (``generation`` moves on), so the next request reads the database again;
- in other processes and on other hosts within ``TTL_SECONDS``: each entry is read again from
  the database when it is older than that. Nothing else is shared between processes, so this
  bound is the whole story: a revoked token works nowhere for longer than a second or so.

An expired token is refused from the cache too (its expiry is kept beside the actor). Unknown,
revoked or expired tokens are never cached: each such request asks the database.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from nohaven.auth import service as auth_service
from nohaven.auth.actor import Actor
from nohaven.auth.models import ApiToken
from nohaven.kit.clock import as_utc, utcnow
from nohaven.kit.ids import sha256_hex
from nohaven.members.models import Membership, Organisation, User

TTL_SECONDS = 1.0
MAX_ENTRIES = 10_000
# What an actor is made of: a change to any of these may change who a token's holder is.
_WATCHED = (ApiToken, User, Organisation, Membership)
_CHANGED = "nohaven_actor_inputs_changed"
_generations = itertools.count(1)
generation = 0  # moves on whenever this process changes what an actor is made of


def _forget_all() -> None:
    global generation
    generation = next(_generations)


@dataclass(frozen=True)
class TokenActor:
    token_id: str
    last_used_at: datetime | None
    expires_at: datetime
    actor: Actor
    fresh_until: float  # on the cache's clock (time.monotonic)
    generation: int


class ActorCache:
    def __init__(
        self,
        ttl: float = TTL_SECONDS,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        # dict reads and writes are atomic: requests in many threads share it without a lock
        self._entries: dict[str, TokenActor] = {}

    def cached(self, secret: str) -> TokenActor | None:
        """The token's actor if this process resolved it less than ``ttl`` seconds ago and it
        has not expired since; no database work (the event loop may call it)."""
        key = sha256_hex(secret)
        found = self._entries.get(key)
        if (
            found is None
            or found.generation != generation
            or found.fresh_until <= self._clock()
            or as_utc(found.expires_at) <= utcnow()
        ):
            return None
        return found

    def resolve(self, session: Session, secret: str) -> TokenActor | None:
        """The live token's actor, from the cache or (then remembered) from the database."""
        found = self.cached(secret)
        if found is not None:
            return found
        key = sha256_hex(secret)
        seen = generation  # before reading: a change committed meanwhile is not hidden
        resolved = auth_service.resolve_api_token(session, secret)
        if resolved is None:
            self._entries.pop(key, None)
            return None
        token, user = resolved
        entry = TokenActor(
            token_id=token.id,
            last_used_at=token.last_used_at,
            expires_at=token.expires_at,
            actor=auth_service.actor_for(session, user, scopes=frozenset(token.scopes)),
            fresh_until=self._clock() + self.ttl,
            generation=seen,
        )
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = entry
        return entry

    def __len__(self) -> int:
        return len(self._entries)


def install(app: FastAPI) -> None:
    app.state.actor_cache = ActorCache()


def _touches_actors(objects: Any) -> bool:
    return any(isinstance(o, _WATCHED) for o in objects)


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, _context: Any) -> None:
    if (
        _touches_actors(session.new)
        or _touches_actors(session.dirty)
        or _touches_actors(session.deleted)
    ):
        session.info[_CHANGED] = True
        # At the flush already: a request in this process must not keep the old actor while
        # this transaction finishes (the commit forgets again, after which it is read anew).
        _forget_all()


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state: ORMExecuteState) -> None:
    # UPDATE/DELETE statements (revoking every credential of a user, say) bypass the flush.
    if (state.is_update or state.is_delete) and any(
        m.class_ in _WATCHED for m in state.all_mappers
    ):
        state.session.info[_CHANGED] = True
        _forget_all()


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        _forget_all()


@event.listens_for(Session, "after_rollback")
def _nothing_changed(session: Session) -> None:
    session.info.pop(_CHANGED, None)
