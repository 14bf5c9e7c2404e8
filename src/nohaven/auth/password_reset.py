"""Resetting a forgotten password by e-mail.

Asking gives the same answer, after the same work, whether the address has an account or not:
both write a request row with a fresh token's hash, and only the e-mail differs, which the job
runner sends later, outside the request. The link carries a token whose hash alone is stored;
it works once, for ``settings.mail.reset_minutes``. An address, and a source, may ask
``reset_per_hour`` times an hour; beyond that the answer is still the same, and nothing is
sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth import passwords
from nohaven.auth.actor import Actor
from nohaven.auth.models import PasswordReset, WebSession
from nohaven.auth.throttle import Scope, key_for
from nohaven.config import Settings
from nohaven.errors import InvalidInput
from nohaven.kit.clock import as_utc, utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.ids import new_token, sha256_hex
from nohaven.members.models import User
from nohaven.notifications import outbox

# Sources share addresses behind NAT: a source may ask for more resets than one address.
SOURCE_FACTOR = 10
RESET_KIND = "auth.password_reset"
INVALID_LINK = N_(
    "This link is not valid any more: it was used, it expired, or it never was. Ask for a new one."
)


def request_reset(session: Session, *, email: str, source: str, settings: Settings) -> None:
    """Ask for a reset link for ``email``; says nothing about whether it has an account."""
    now = utcnow()
    address = email.strip().lower()
    address_key = key_for(settings, Scope.ACCOUNT_AT_SOURCE, "reset", address)
    source_key = key_for(settings, Scope.SOURCE, "reset", source)
    hour_ago = now - timedelta(hours=1)
    asked = session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(PasswordReset.created_at > hour_ago, PasswordReset.address_key == address_key)
    )
    from_source = session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(PasswordReset.created_at > hour_ago, PasswordReset.source_key == source_key)
    )
    if (asked or 0) >= settings.mail.reset_per_hour or (from_source or 0) >= (
        settings.mail.reset_per_hour * SOURCE_FACTOR
    ):
        return
    user = session.scalar(select(User).where(func.lower(User.email) == address))
    if user is not None and not user.is_active:
        user = None
    token = new_token()
    session.add(
        PasswordReset(
            user_id=user.id if user else None,
            token_hash=sha256_hex(token),
            address_key=address_key,
            source_key=source_key,
            created_at=now,
            expires_at=now + timedelta(minutes=settings.mail.reset_minutes),
        )
    )
    if user is None:
        session.flush()
        return
    outbox.enqueue(
        session,
        kind=RESET_KIND,
        to_address=user.email,
        user_id=user.id,
        subject="nohaven: reset your password",
        text=(
            "Someone asked to reset the password of your nohaven account. If it was you, "
            f"choose a new password within {settings.mail.reset_minutes} minutes at the "
            "address below; the link works once. If it was not you, ignore this message: "
            "your password stays as it is."
        ),
        link=reset_path(token),
        params={"wording": "password_reset", "minutes": settings.mail.reset_minutes},
    )
    audit.record(
        session,
        actor=Actor(user_id=user.id, label=user.email, organisation_id=user.organisation_id),
        action="auth.password_reset.requested",
        resource_type="user",
        resource_id=user.id,
        organisation_id=user.organisation_id,
    )


def reset_path(token: str) -> str:
    return f"/password-reset/{token}"


def _usable(session: Session, token: str) -> PasswordReset | None:
    if not token or len(token) > 100:
        return None
    found = session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == sha256_hex(token))
    )
    if (
        found is None
        or found.user_id is None
        or found.used_at is not None
        or as_utc(found.expires_at) <= utcnow()
    ):
        return None
    return found


def link_is_valid(session: Session, *, token: str) -> bool:
    return _usable(session, token) is not None


def complete_reset(
    session: Session, *, token: str, new: str, again: str, settings: Settings
) -> User:
    """Set the new password through a valid link; the link is spent and every session ends."""
    reset = _usable(session, token)
    user = session.get(User, reset.user_id) if reset and reset.user_id else None
    if reset is None or user is None or not user.is_active:
        raise InvalidInput(INVALID_LINK)
    if new != again:
        raise InvalidInput(N_("The two new passwords differ."))
    passwords.check_strength(new, email=user.email)
    now = utcnow()
    user.password_hash = passwords.hash_password(new, settings=settings)
    # Spend this link and every other one of the user's: one reset ends them all.
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    audit.record(
        session,
        actor=Actor(user_id=user.id, label=user.email, organisation_id=user.organisation_id),
        action="auth.password_reset.completed",
        resource_type="user",
        resource_id=user.id,
        organisation_id=user.organisation_id,
    )
    return user


def purge_before(session: Session, cutoff: datetime) -> int:
    """Forget reset requests made before ``cutoff`` (the ``notifications.purge`` job): past
    their expiry and the throttle's hour, they only hold keyed hashes of who asked."""
    result = session.execute(delete(PasswordReset).where(PasswordReset.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
