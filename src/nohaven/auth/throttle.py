"""Counting failed sign-ins, and pausing whatever keeps failing with a pause that doubles.

Three things are counted apart (``Scope``): an account name *as tried from one source
address*, a source address across every account, and a user's second factor. The first never
counts an account as a whole, so a stranger who knows an address cannot lock its owner out:
the owner's own source has a clean count. The second stops one source from trying many
accounts. The third is reached only with the right password, and so it does count the account
as a whole: guessing codes from many places must not multiply the guesses.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from nohaven.auth.models import LoginThrottle
from nohaven.config import Settings
from nohaven.kit.clock import as_utc
from nohaven.kit.ids import new_id

# A key quiet this long starts over: old failures no longer lengthen the next pause.
MEMORY = timedelta(days=1)


class Scope(enum.StrEnum):
    ACCOUNT_AT_SOURCE = "account_at_source"
    SOURCE = "source"
    SECOND_FACTOR = "second_factor"


@dataclass(frozen=True)
class Limit:
    failures: int
    first_pause: timedelta
    longest_pause: timedelta


def limit_for(scope: Scope, settings: Settings) -> Limit:
    first = timedelta(minutes=settings.login_lockout_minutes)
    longest = timedelta(hours=settings.login_longest_pause_hours)
    if scope is Scope.SOURCE:
        return Limit(settings.login_source_max_failures, first, longest)
    return Limit(settings.login_max_failures, first, longest)


def key_for(settings: Settings, scope: Scope, *parts: str) -> str:
    """A keyed hash of what is counted: the table never holds an address or IP in clear."""
    secret = settings.secret_key.get_secret_value().encode()
    message = "\x1f".join([scope.value, *parts]).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def paused_until(session: Session, scope: Scope, key: str, *, now: datetime) -> datetime | None:
    until = session.execute(
        select(LoginThrottle.blocked_until).where(
            LoginThrottle.scope == scope.value, LoginThrottle.key == key
        )
    ).scalar_one_or_none()
    if until is None or as_utc(until) <= now:
        return None
    return as_utc(until)


def record_failure(
    session: Session, scope: Scope, key: str, limit: Limit, *, now: datetime
) -> datetime | None:
    """Count one failure; return the end of the pause it started, if it started one."""
    _purge_stale(session, now=now)
    values = {"scope": scope.value, "key": key, "failures": 0, "pauses": 0, "last_failure_at": now}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # Two failures at once for a new key must not collide on the unique (scope, key).
    session.execute(insert(LoginThrottle).values(id=new_id(), **values).on_conflict_do_nothing())
    row = session.execute(
        select(LoginThrottle)
        .where(LoginThrottle.scope == scope.value, LoginThrottle.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    if now - as_utc(row.last_failure_at) > MEMORY:
        row.failures = 0
        row.pauses = 0
    row.failures += 1
    row.last_failure_at = now
    if row.failures < limit.failures:
        session.flush()
        return None
    pause = min(limit.first_pause * 2**row.pauses, limit.longest_pause)
    row.blocked_until = now + pause
    row.pauses += 1
    row.failures = 0
    session.flush()
    return row.blocked_until


def forget(session: Session, scope: Scope, key: str) -> None:
    """A success: the count under this key starts over."""
    session.execute(
        delete(LoginThrottle).where(LoginThrottle.scope == scope.value, LoginThrottle.key == key)
    )


def _purge_stale(session: Session, *, now: datetime) -> None:
    # Rows nobody has failed under for a day hold nothing worth keeping; purging them here
    # keeps the table the size of current trouble without a job of its own.
    session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < now - MEMORY,
            (LoginThrottle.blocked_until.is_(None)) | (LoginThrottle.blocked_until < now),
        )
    )
