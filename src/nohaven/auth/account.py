"""A user's own account: changing the password, renewing recovery codes, choosing the
language."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth import passwords, second_factor
from nohaven.auth.actor import Actor
from nohaven.auth.models import WebSession
from nohaven.config import Settings
from nohaven.errors import InvalidInput
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import LANGUAGES, N_
from nohaven.members.models import User


def _own(user: User) -> Actor:
    return Actor(user_id=user.id, label=user.email, organisation_id=user.organisation_id)


def change_password(
    session: Session,
    *,
    user: User,
    current: str,
    new: str,
    again: str,
    settings: Settings,
    keep_session_id: str | None = None,
) -> None:
    """Set a new password; every other browser session of the user ends."""
    if not passwords.verify_password(user.password_hash, current, settings=settings):
        raise InvalidInput(N_("The current password is not right."))
    if new != again:
        raise InvalidInput(N_("The two new passwords differ."))
    if new == current:
        raise InvalidInput(N_("The new password must differ from the current one."))
    passwords.check_strength(new, email=user.email)
    user.password_hash = passwords.hash_password(new, settings=settings)
    others = update(WebSession).where(
        WebSession.user_id == user.id, WebSession.revoked_at.is_(None)
    )
    if keep_session_id is not None:
        others = others.where(WebSession.id != keep_session_id)
    session.execute(others.values(revoked_at=utcnow()))
    audit.record(
        session,
        actor=_own(user),
        action="auth.password_changed",
        resource_type="user",
        resource_id=user.id,
        organisation_id=user.organisation_id,
    )


def renew_recovery_codes(
    session: Session, *, user: User, code: str, settings: Settings
) -> list[str]:
    """New recovery codes (the old ones stop working), after proving the second factor."""
    if user.totp_enabled_at is None:
        raise InvalidInput(N_("Turn on the second factor first."))
    if not second_factor.verify_second_factor(session, user=user, code=code, settings=settings):
        raise InvalidInput(N_("That code is not right."))
    codes = second_factor.new_recovery_codes(session, user)
    audit.record(
        session,
        actor=_own(user),
        action="auth.recovery_codes_renewed",
        resource_type="user",
        resource_id=user.id,
        organisation_id=user.organisation_id,
    )
    return codes


def choose_language(session: Session, *, user: User, language: str) -> str | None:
    """The language nohaven speaks to the user in; empty: as the browser asks."""
    if language and language not in LANGUAGES:
        raise InvalidInput(N_("nohaven does not speak that language."))
    user.language = language or None
    audit.record(
        session,
        actor=_own(user),
        action="auth.language_chosen",
        resource_type="user",
        resource_id=user.id,
        organisation_id=user.organisation_id,
        summary={"language": user.language},
    )
    return user.language
