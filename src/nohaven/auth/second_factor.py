"""The second factor: TOTP enrolment and codes, one-time recovery codes, and the pause that
wrong codes earn (counted per user, whatever happens at the password step)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth import service as auth_service
from nohaven.auth import throttle, users
from nohaven.auth.actor import Actor
from nohaven.auth.models import RecoveryCode
from nohaven.auth.policy import Action, require
from nohaven.config import Settings
from nohaven.db import write_even_if_refused
from nohaven.errors import InvalidInput, Locked
from nohaven.keys.ring import data_keyring
from nohaven.kit import crypto
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.ids import sha256_hex
from nohaven.members.models import User

RECOVERY_CODE_COUNT = 10
TOTP_ISSUER = "nohaven"


def _kek(settings: Settings) -> crypto.Keyring:
    return data_keyring(settings)


def _totp_context(user: User) -> str:
    return f"users.totp_secret:{user.id}"


def totp_secret(user: User, *, settings: Settings) -> str | None:
    """The user's TOTP secret, unsealed with the data keys of ``settings``."""
    if user.totp_secret_sealed is None:
        return None
    return crypto.unseal(_kek(settings), user.totp_secret_sealed, context=_totp_context(user))


def begin_totp_enrolment(session: Session, *, user: User, settings: Settings) -> str:
    """A new secret, kept sealed but not yet active until the user proves they hold it."""
    if user.totp_enabled_at is not None:
        raise InvalidInput(N_("A second factor is already enrolled."))
    secret = pyotp.random_base32()
    user.totp_secret_sealed = crypto.seal(_kek(settings), secret, context=_totp_context(user))
    session.flush()
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def _accept_code(user: User, code: str, settings: Settings) -> bool:
    secret = totp_secret(user, settings=settings)
    code = code.strip().replace(" ", "")
    if secret is None or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(secret)
    now = utcnow()
    for drift in (0, -1, 1):
        moment = now + timedelta(seconds=30 * drift)
        step = totp.timecode(moment)
        if secrets.compare_digest(totp.at(moment), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False  # each code works once: a watched code cannot be replayed
            user.totp_last_step = step
            return True
    return False


def confirm_totp_enrolment(
    session: Session, *, user: User, code: str, settings: Settings
) -> list[str]:
    """Activate the second factor and return fresh recovery codes (shown once)."""
    if user.totp_enabled_at is not None:
        raise InvalidInput(N_("A second factor is already enrolled."))
    if not _accept_code(user, code, settings):
        raise InvalidInput(N_("That code is not right; check your device's clock and try again."))
    user.totp_enabled_at = utcnow()
    codes = new_recovery_codes(session, user)
    audit.record(
        session,
        actor=auth_service.self_actor(user),
        action="auth.totp_enrolled",
        resource_type="user",
        resource_id=user.id,
        organisation_id=user.organisation_id,
    )
    return codes


def _anon(label: str) -> Actor:
    return Actor(user_id=None, label=label)


def new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    codes = ["-".join(secrets.token_hex(3) for _ in range(3)) for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=sha256_hex(code)))
    session.flush()
    return codes


def verify_second_factor(session: Session, *, user: User, code: str, settings: Settings) -> bool:
    """A TOTP code, or else a one-time recovery code.

    Failures count on their own, per user and from every source, and pause the second factor
    whatever happens at the password step: a correct password resets nothing here, so knowing
    the password buys a handful of guesses, not a handful per login."""
    now = utcnow()
    key = throttle.key_for(settings, throttle.Scope.SECOND_FACTOR, user.id)
    paused = throttle.paused_until(session, throttle.Scope.SECOND_FACTOR, key, now=now)
    if paused is not None:
        raise Locked(
            "Too many wrong codes: the second factor is paused until "
            f"{paused:%H:%M} UTC. Try again then, or ask your organisation's admin."
        )
    if _accept_code(user, code, settings) or _use_recovery_code(session, user=user, code=code):
        throttle.forget(session, throttle.Scope.SECOND_FACTOR, key)
        return True
    # Kept even when the page's action is refused: the count is what stops guessing.
    write_even_if_refused(
        session, lambda s: _count_wrong_code(s, settings, user=user, key=key, now=now)
    )
    return False


def _count_wrong_code(
    session: Session, settings: Settings, *, user: User, key: str, now: datetime
) -> None:
    until = throttle.record_failure(
        session,
        throttle.Scope.SECOND_FACTOR,
        key,
        throttle.limit_for(throttle.Scope.SECOND_FACTOR, settings),
        now=now,
    )
    audit.record(
        session,
        actor=_anon(user.email),
        action="auth.second_factor_failed",
        resource_type="user",
        resource_id=user.id,
        organisation_id=user.organisation_id,
    )
    if until is not None:
        audit.record(
            session,
            actor=_anon(user.email),
            action="auth.second_factor_paused",
            resource_type="user",
            resource_id=user.id,
            organisation_id=user.organisation_id,
            summary={"until": until.isoformat()},
        )


def _use_recovery_code(session: Session, *, user: User, code: str) -> bool:
    wanted = sha256_hex(code.strip().lower())
    recovery = session.execute(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == wanted,
            RecoveryCode.used_at.is_(None),
        )
    ).scalar_one_or_none()
    if recovery is None:
        return False
    recovery.used_at = utcnow()
    audit.record(
        session,
        actor=auth_service.self_actor(user),
        action="auth.recovery_code_used",
        resource_type="user",
        resource_id=user.id,
        organisation_id=user.organisation_id,
    )
    return True


def remaining_recovery_codes(session: Session, *, user: User) -> int:
    return len(
        session.execute(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def reset_second_factor(
    session: Session, *, actor: Actor, user_id: str, settings: Settings
) -> None:
    """An admin clears a lost second factor; the user enrols again at next login."""
    user = users.get_user(session, actor=actor, user_id=user_id)
    require(actor, Action.UPDATE, user)
    user.totp_secret_sealed = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    # A fresh start: the pause earned by wrong codes under the old factor ends with it.
    throttle.forget(
        session,
        throttle.Scope.SECOND_FACTOR,
        throttle.key_for(settings, throttle.Scope.SECOND_FACTOR, user.id),
    )
    auth_service.revoke_all_credentials(session, user_id=user.id)
    audit.record(
        session,
        actor=actor,
        action="auth.totp_reset",
        resource_type="user",
        resource_id=user.id,
        organisation_id=user.organisation_id,
    )
