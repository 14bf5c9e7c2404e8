"""Who is acting (an actor from a user), web sessions and API tokens.

The password step is nohaven.auth.login, the second factor nohaven.auth.second_factor and the
accounts themselves nohaven.auth.users."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.models import ApiToken, WebSession
from nohaven.auth.policy import Action, get_visible_or_404, require
from nohaven.errors import InvalidInput
from nohaven.kit.clock import as_utc, utcnow
from nohaven.kit.ids import new_token, sha256_hex
from nohaven.members import service as members_service
from nohaven.members.models import User

TOKEN_SCOPES = frozenset({"read", "write", "admin"})


def actor_for(session: Session, user: User, *, scopes: frozenset[str] | None = None) -> Actor:
    """The acting identity of a user: their organisation and its seats in bodies today."""
    today = utcnow().date()
    seats = members_service.seat_roles_of_organisation(
        session, organisation_id=user.organisation_id, on=today
    )
    return Actor(
        user_id=user.id,
        label=user.email,
        organisation_id=user.organisation_id,
        organisation_kind=user.organisation.kind,
        country=user.organisation.country,
        roles=frozenset(user.roles),
        body_roles=seats,
        scopes=scopes,
        display_name=user.display_name or user.email,
    )


def mfa_required(user: User, *, required_kinds: Collection[str]) -> bool:
    """Whether the user's kind of organisation must log in with a second factor
    (``Settings.mfa_required_kinds``)."""
    return user.organisation.kind in required_kinds


def self_actor(user: User) -> Actor:
    """A user acting on their own account (before an actor with seats exists)."""
    return Actor(user_id=user.id, label=user.email, organisation_id=user.organisation_id)


# --- web sessions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenedSession:
    session: WebSession
    token: str


def open_session(session: Session, *, user: User, mfa_verified: bool, hours: int) -> OpenedSession:
    token = new_token()
    web = WebSession(
        user_id=user.id,
        token_hash=sha256_hex(token),
        mfa_verified=mfa_verified,
        expires_at=utcnow() + timedelta(hours=hours),
    )
    session.add(web)
    if mfa_verified:
        user.last_login_at = utcnow()
        audit.record(
            session,
            actor=self_actor(user),
            action="auth.login",
            resource_type="user",
            resource_id=user.id,
            organisation_id=user.organisation_id,
        )
    session.flush()
    return OpenedSession(web, token)


def complete_second_factor(
    session: Session, *, web: WebSession, user: User, hours: int
) -> OpenedSession:
    """Swap a half-open session for a full one: a new token, so the pre-login one dies."""
    web.revoked_at = utcnow()
    return open_session(session, user=user, mfa_verified=True, hours=hours)


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
        actor=self_actor(web.user),
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
    session: Session,
    *,
    actor: Actor,
    name: str,
    scopes: list[str],
    max_days: int,
    days: int = 90,
) -> IssuedToken:
    """``max_days`` is the longest life a token may have (``Settings.api_token_max_days``)."""
    if actor.user_id is None or actor.organisation_id is None:
        raise InvalidInput("Tokens belong to a user.")
    wanted = set(scopes)
    if not wanted or not wanted <= TOKEN_SCOPES:
        raise InvalidInput(f"Scopes must be some of: {', '.join(sorted(TOKEN_SCOPES))}.")
    if actor.scopes is not None and not wanted <= actor.scopes:
        raise InvalidInput("A token cannot grant more than the token that creates it.")
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
