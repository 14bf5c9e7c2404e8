"""The password step of logging in, throttled per account at a source and per source."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth import passwords, throttle
from nohaven.auth import repository as repo
from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.db import write_even_if_refused
from nohaven.errors import NotAuthenticated, TooManyRequests
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.members.models import User

# One answer for every refused attempt before the password is known right, whether the account
# exists or not: status and wording must not tell an outsider which addresses are real.
WRONG_CREDENTIALS = N_("E-mail address or password is wrong.")
PAUSED = N_(
    "Too many failed attempts from your network: logging in is paused here for a while. "
    "Try again later."
)


def _anon(label: str) -> Actor:
    return Actor(user_id=None, label=label)


def _source_ref(settings: Settings, source: str) -> str:
    """A short keyed hash of the source address, so the audit log can tell repeated sources
    apart without holding an IP address (personal data) in its permanent chain."""
    return throttle.key_for(settings, throttle.Scope.SOURCE, source)[:16]


def check_password(
    session: Session, *, email: str, password: str, source: str, settings: Settings
) -> User:
    """First step of a login, throttled per account *at this source* and per source.

    Known and unknown accounts take the same path: the same throttle keys (built from what
    was typed, not from what exists), one argon2 verification (against a dummy hash when the
    account is unknown) and the same answers."""
    now = utcnow()
    typed = email.strip().lower()
    at_source = throttle.key_for(settings, throttle.Scope.ACCOUNT_AT_SOURCE, typed, source)
    from_source = throttle.key_for(settings, throttle.Scope.SOURCE, source)
    user = repo.user_by_email(session, typed)
    if user is not None and not user.is_active:
        user = None
    paused = throttle.paused_until(
        session, throttle.Scope.ACCOUNT_AT_SOURCE, at_source, now=now
    ) or throttle.paused_until(session, throttle.Scope.SOURCE, from_source, now=now)
    # Verify even when paused: a paused answer must cost what a real one costs.
    right = passwords.verify_password(
        user.password_hash if user else None, password, settings=settings
    )
    if paused is not None:
        raise TooManyRequests(PAUSED)
    if user is None or not right:
        # The count is the throttle: a refusal that rolled it back would allow endless tries.
        failed = user
        write_even_if_refused(
            session,
            lambda s: _count_password_failure(
                s,
                settings,
                user=failed,
                typed=typed,
                source=source,
                now=now,
                keys=(at_source, from_source),
            ),
        )
        raise NotAuthenticated(WRONG_CREDENTIALS)
    throttle.forget(session, throttle.Scope.ACCOUNT_AT_SOURCE, at_source)
    if user.password_hash and passwords.needs_rehash(user.password_hash, settings=settings):
        user.password_hash = passwords.hash_password(password, settings=settings)
    return user


def _count_password_failure(
    session: Session,
    settings: Settings,
    *,
    user: User | None,
    typed: str,
    source: str,
    now: datetime,
    keys: tuple[str, str],
) -> None:
    at_source, from_source = keys
    paused: dict[str, str] = {}
    for scope, key in (
        (throttle.Scope.ACCOUNT_AT_SOURCE, at_source),
        (throttle.Scope.SOURCE, from_source),
    ):
        until = throttle.record_failure(
            session, scope, key, throttle.limit_for(scope, settings), now=now
        )
        if until is not None:
            paused[scope.value] = until.isoformat()
    label = user.email if user else "anonymous"
    audit.record(
        session,
        actor=_anon(label),
        action="auth.login_failed",
        resource_type="user",
        resource_id=user.id if user else None,
        organisation_id=user.organisation_id if user else None,
        summary={
            "reason": "wrong password" if user else "unknown or inactive account",
            "source": _source_ref(settings, source),
        },
    )
    if paused:
        audit.record(
            session,
            actor=_anon(label),
            action="auth.login_paused",
            resource_type="user",
            resource_id=user.id if user else None,
            organisation_id=user.organisation_id if user else None,
            summary={"until": paused, "source": _source_ref(settings, source)},
        )
