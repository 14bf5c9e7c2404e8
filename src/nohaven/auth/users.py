"""The people who log in: accounts, their roles, deactivation, and joining by invitation."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth import passwords
from nohaven.auth import repository as repo
from nohaven.auth import service as auth_service
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.config import Settings
from nohaven.errors import Conflict, InvalidInput, NotFound
from nohaven.members import invitations
from nohaven.members import service as members_service
from nohaven.members.models import User
from nohaven.members.schemas import UserCreate


def find_user(session: Session, *, email: str) -> User | None:
    """The account of an address, for logging in and for commands run by the operator (who
    names the user to act as); no actor asks, so nothing here is shown to anyone."""
    return repo.user_by_email(session, invitations.normalise_email(email))


def actor_for_email(session: Session, *, email: str) -> Actor | None:
    """The actor of an active account, for commands and demo scripts that name whom they act as;
    None when there is no such account or it is deactivated."""
    user = find_user(session, email=email)
    if user is None or not user.is_active:
        return None
    return auth_service.actor_for(session, user)


def get_user(session: Session, *, actor: Actor, user_id: str) -> User:
    user = repo.user_with_org(session, user_id)
    if user is None:
        raise NotFound("No such user.")
    require(actor, Action.READ, user)
    return user


def list_users(session: Session, *, actor: Actor) -> Sequence[User]:
    require(actor, Action.LIST, User)
    scope = None if actor.is_secretariat else actor.organisation_id
    return repo.users(session, organisation_id=scope)


def create_user(session: Session, *, actor: Actor, data: UserCreate, settings: Settings) -> User:
    email = invitations.normalise_email(str(data.email))
    roles = sorted({r.value for r in data.roles})
    user = User(
        email=email,
        display_name=data.display_name,
        organisation_id=data.organisation_id,
        roles=roles,
    )
    require(actor, Action.CREATE, user)
    if not members_service.organisation_exists(session, data.organisation_id):
        raise InvalidInput("The organisation does not exist.")
    if repo.user_by_email(session, email):
        raise Conflict("A user with that e-mail address already exists.")
    passwords.check_strength(data.password, email=email)
    user.password_hash = passwords.hash_password(data.password, settings=settings)
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.create",
        resource_type="user",
        resource_id=user.id,
        organisation_id=user.organisation_id,
        summary={"roles": roles},
    )
    return user


def set_user_roles(session: Session, *, actor: Actor, user_id: str, roles: list[str]) -> User:
    user = get_user(session, actor=actor, user_id=user_id)
    before = list(user.roles)
    wanted = sorted(set(roles))
    probe = User(id=user.id, organisation_id=user.organisation_id, roles=wanted + before)
    require(actor, Action.UPDATE, probe)
    if user.id == actor.user_id and not set(before) <= set(wanted):
        raise InvalidInput("You cannot take roles away from yourself; ask another admin.")
    user.roles = wanted
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.roles",
        resource_type="user",
        resource_id=user.id,
        organisation_id=user.organisation_id,
        summary={"before": before, "after": wanted},
    )
    return user


def set_user_active(session: Session, *, actor: Actor, user_id: str, active: bool) -> User:
    user = get_user(session, actor=actor, user_id=user_id)
    require(actor, Action.UPDATE, user)
    if user.id == actor.user_id and not active:
        raise InvalidInput("You cannot deactivate yourself.")
    user.is_active = active
    session.flush()
    if not active:
        auth_service.revoke_all_credentials(session, user_id=user.id)
    audit.record(
        session,
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        resource_type="user",
        resource_id=user.id,
        organisation_id=user.organisation_id,
    )
    return user


def accept_invitation(
    session: Session, *, token: str, display_name: str, password: str, settings: Settings
) -> User:
    """The invited person's account, made from a pending invitation (which is then used up)."""
    invitation = invitations.pending_invitation(session, token=token)
    if repo.user_by_email(session, invitation.email):
        raise Conflict("A user with that e-mail address already exists.")
    passwords.check_strength(password, email=invitation.email)
    user = User(
        email=invitation.email,
        display_name=display_name.strip() or invitation.email,
        organisation_id=invitation.organisation_id,
        roles=list(invitation.roles),
        password_hash=passwords.hash_password(password, settings=settings),
    )
    session.add(user)
    session.flush()
    invitations.record_acceptance(session, invitation=invitation, user=user)
    return user
