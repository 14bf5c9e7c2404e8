"""Logging in (password, lockout, TOTP, recovery codes), web sessions and API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from nohaven.audit import service as audit
from nohaven.auth import throttle
from nohaven.auth.actor import Actor
from nohaven.auth.models import ApiToken, RecoveryCode, WebSession
from nohaven.auth.policy import Action, get_visible_or_404, require
from nohaven.config import get_settings
from nohaven.errors import InvalidInput, Locked
from nohaven.keys.ring import data_keyring
from nohaven.kit import crypto
from nohaven.kit.clock import as_utc, utcnow
from nohaven.kit.ids import new_token, sha256_hex
from nohaven.members import repository as members_repo
from nohaven.members.models import User

TOKEN_SCOPES = frozenset({"read", "write", "admin"})
RECOVERY_CODE_COUNT = 10
TOTP_ISSUER = "nohaven"


def actor_for(session: Session, user: User, *, scopes: frozenset[str] | None = None) -> Actor:
    """The acting identity of a user: their organisation and its seats in bodies today."""
    today = utcnow().date()
    seats = members_repo.seat_roles_of_organisation(session, user.organisation_id, on=today)
    return Actor(
        user_id=user.id,
        label=user.email,
        organisation_id=user.organisation_id,
        organisation_kind=user.organisation.kind,
        country=user.organisation.country,
        roles=frozenset(user.roles),
        body_roles=seats,
        scopes=scopes,
    )


def mfa_required(user: User) -> bool:
    return user.organisation.kind in get_settings().mfa_required_kinds


# --- TOTP -----------------------------------------------------------------------------------


def _kek() -> crypto.Keyring:
    return data_keyring()


def _totp_context(user: User) -> str:
    return f"users.totp_secret:{user.id}"


def totp_secret(user: User) -> str | None:
    if user.totp_secret_sealed is None:
        return None
    return crypto.unseal(_kek(), user.totp_secret_sealed, context=_totp_context(user))


def begin_totp_enrolment(session: Session, *, user: User) -> str:
    """A new secret, kept sealed but not yet active until the user proves they hold it."""
    if user.totp_enabled_at is not None:
        raise InvalidInput("A second factor is already enrolled.")
    secret = pyotp.random_base32()
    user.totp_secret_sealed = crypto.seal(_kek(), secret, context=_totp_context(user))
    session.flush()
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def _accept_code(user: User, code: str) -> bool:
    secret = totp_secret(user)
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


def confirm_totp_enrolment(session: Session, *, user: User, code: str) -> list[str]:
    """Activate the second factor and return fresh recovery codes (shown once)."""
    if user.totp_enabled_at is not None:
        raise InvalidInput("A second factor is already enrolled.")
    if not _accept_code(user, code):
        raise InvalidInput("That code is not right; check your device's clock and try again.")
    user.totp_enabled_at = utcnow()
    codes = new_recovery_codes(session, user)
    audit.record(
        session,
        actor=_self(user),
        action="auth.totp_enrolled",
        resource_type="user",
        resource_id=user.id,
        organisation_id=user.organisation_id,
    )
    return codes


def _anon(label: str) -> Actor:
    return Actor(user_id=None, label=label)


def _self(user: User) -> Actor:
    return Actor(user_id=user.id, label=user.email, organisation_id=user.organisation_id)


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


def verify_second_factor(session: Session, *, user: User, code: str) -> bool:
    """A TOTP code, or else a one-time recovery code.

    Failures count on their own, per user and from every source, and pause the second factor
    whatever happens at the password step: a correct password resets nothing here, so knowing
    the password buys a handful of guesses, not a handful per login."""
    settings = get_settings()
    now = utcnow()
    key = throttle.key_for(settings, throttle.Scope.SECOND_FACTOR, user.id)
    paused = throttle.paused_until(session, throttle.Scope.SECOND_FACTOR, key, now=now)
    if paused is not None:
        raise Locked(
            "Too many wrong codes: the second factor is paused until "
            f"{paused:%H:%M} UTC. Try again then, or ask your organisation's admin."
        )
    if _accept_code(user, code) or _use_recovery_code(session, user=user, code=code):
        throttle.forget(session, throttle.Scope.SECOND_FACTOR, key)
        return True
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
    return False


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
        actor=_self(user),
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


def reset_second_factor(session: Session, *, actor: Actor, user_id: str) -> None:
    """An admin clears a lost second factor; the user enrols again at next login."""
    from nohaven.members import service as members_service

    user = members_service.get_user(session, actor=actor, user_id=user_id)
    require(actor, Action.UPDATE, user)
    user.totp_secret_sealed = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    # A fresh start: the pause earned by wrong codes under the old factor ends with it.
    throttle.forget(
        session,
        throttle.Scope.SECOND_FACTOR,
        throttle.key_for(get_settings(), throttle.Scope.SECOND_FACTOR, user.id),
    )
    revoke_all_credentials(session, user_id=user.id)
    audit.record(
        session,
        actor=actor,
        action="auth.totp_reset",
        resource_type="user",
        resource_id=user.id,
        organisation_id=user.organisation_id,
    )


# --- web sessions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenedSession:
    session: WebSession
    token: str


def open_session(session: Session, *, user: User, mfa_verified: bool) -> OpenedSession:
    token = new_token()
    web = WebSession(
        user_id=user.id,
        token_hash=sha256_hex(token),
        mfa_verified=mfa_verified,
        expires_at=utcnow() + timedelta(hours=get_settings().session_hours),
    )
    session.add(web)
    if mfa_verified:
        user.last_login_at = utcnow()
        audit.record(
            session,
            actor=_self(user),
            action="auth.login",
            resource_type="user",
            resource_id=user.id,
            organisation_id=user.organisation_id,
        )
    session.flush()
    return OpenedSession(web, token)


def complete_second_factor(session: Session, *, web: WebSession, user: User) -> OpenedSession:
    """Swap a half-open session for a full one: a new token, so the pre-login one dies."""
    web.revoked_at = utcnow()
    return open_session(session, user=user, mfa_verified=True)


def resolve_session(session: Session, token: str) -> WebSession | None:
    web = (
        session.execute(
            select(WebSession)
            .options(joinedload(WebSession.user).joinedload(User.organisation))
            .where(WebSession.token_hash == sha256_hex(token))
        )
        .unique()
        .scalar_one_or_none()
    )
    if web is None or web.revoked_at is not None or as_utc(web.expires_at) <= utcnow():
        return None
    if not web.user.is_active:
        return None
    return web


def close_session(session: Session, *, web: WebSession) -> None:
    web.revoked_at = utcnow()
    audit.record(
        session,
        actor=_self(web.user),
        action="auth.logout",
        resource_type="user",
        resource_id=web.user_id,
        organisation_id=web.user.organisation_id,
    )


def revoke_all_credentials(session: Session, *, user_id: str) -> None:
    now = utcnow()
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


# --- API tokens -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once


def create_api_token(
    session: Session, *, actor: Actor, name: str, scopes: list[str], days: int = 90
) -> IssuedToken:
    if actor.user_id is None or actor.organisation_id is None:
        raise InvalidInput("Tokens belong to a user.")
    wanted = set(scopes)
    if not wanted or not wanted <= TOKEN_SCOPES:
        raise InvalidInput(f"Scopes must be some of: {', '.join(sorted(TOKEN_SCOPES))}.")
    if actor.scopes is not None and not wanted <= actor.scopes:
        raise InvalidInput("A token cannot grant more than the token that creates it.")
    max_days = get_settings().api_token_max_days
    if not 1 <= days <= max_days:
        raise InvalidInput(f"A token lives between 1 and {max_days} days.")
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise InvalidInput("Give the token a name of 1 to 100 characters.")
    prefix = "nh_" + secrets.token_hex(4)
    secret = f"{prefix}_{new_token(32)}"
    token = ApiToken(
        user_id=actor.user_id,
        organisation_id=actor.organisation_id,
        name=name,
        prefix=prefix,
        token_hash=sha256_hex(secret),
        scopes=sorted(wanted),
        expires_at=utcnow() + timedelta(days=days),
    )
    require(actor, Action.CREATE, token)
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="token.create",
        resource_type="api_token",
        resource_id=token.id,
        summary={
            "prefix": prefix,
            "scopes": token.scopes,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return IssuedToken(token, secret)


def resolve_api_token(session: Session, secret: str) -> tuple[ApiToken, User] | None:
    parts = secret.split("_", 2)  # the random part may itself contain "_"
    if len(parts) != 3 or parts[0] != "nh":
        return None
    token = (
        session.execute(
            select(ApiToken)
            .options(joinedload(ApiToken.user).joinedload(User.organisation))
            .where(ApiToken.prefix == f"nh_{parts[1]}")
        )
        .unique()
        .scalar_one_or_none()
    )
    if token is None or not secrets.compare_digest(token.token_hash, sha256_hex(secret)):
        return None
    if token.revoked_at is not None or as_utc(token.expires_at) <= utcnow():
        return None
    if not token.user.is_active:
        return None
    # last_used_at is not touched here: a read stays a read. The HTTP layer notes the use in
    # memory and writes it in batches (nohaven.auth.token_usage).
    return token, token.user


def list_api_tokens(session: Session, *, actor: Actor) -> Sequence[ApiToken]:
    require(actor, Action.LIST, ApiToken)
    query = select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.created_at.desc())
    if not actor.is_secretariat:
        if "org_admin" in actor.roles:
            query = query.where(ApiToken.organisation_id == actor.organisation_id)
        else:
            query = query.where(ApiToken.user_id == actor.user_id)
    return session.execute(query).scalars().all()


def revoke_api_token(session: Session, *, actor: Actor, token_id: str) -> ApiToken:
    token = get_visible_or_404(session, actor, ApiToken, token_id, action=Action.DELETE)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="token.revoke",
            resource_type="api_token",
            resource_id=token.id,
            organisation_id=token.organisation_id,
            summary={"prefix": token.prefix},
        )
    return token


def token_is_live(token: ApiToken, now: datetime | None = None) -> bool:
    moment = now or utcnow()
    return token.revoked_at is None and as_utc(token.expires_at) > moment
