"""Queries of the members domain; never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from nohaven.members.models import Body, Invitation, Membership, Organisation, User


def organisations(
    session: Session, *, kind: str | None = None, country: str | None = None
) -> Sequence[Organisation]:
    query = select(Organisation).order_by(Organisation.name)
    if kind:
        query = query.where(Organisation.kind == kind)
    if country:
        query = query.where(Organisation.country == country)
    return session.execute(query).scalars().all()


def organisation_by_name(session: Session, name: str) -> Organisation | None:
    """By its full name, else by its short name (any case) when only one bears it."""
    found = session.execute(
        select(Organisation).where(Organisation.name == name)
    ).scalar_one_or_none()
    if found is not None:
        return found
    short = session.scalars(
        select(Organisation).where(func.lower(Organisation.short_name) == name.lower()).limit(2)
    ).all()
    return short[0] if len(short) == 1 else None


def bodies(session: Session) -> Sequence[Body]:
    return (
        session.execute(select(Body).order_by(Body.parent_id.is_not(None), Body.name))
        .scalars()
        .all()
    )


def body_by_slug(session: Session, slug: str) -> Body | None:
    return session.execute(select(Body).where(Body.slug == slug)).scalar_one_or_none()


def _seats(
    session: Session, criterion: ColumnElement[bool], on: date | None
) -> Sequence[Membership]:
    query = (
        select(Membership)
        .options(joinedload(Membership.organisation), joinedload(Membership.body))
        .where(criterion)
    )
    if on is not None:
        query = query.where(
            Membership.start_date <= on,
            or_(Membership.end_date.is_(None), Membership.end_date > on),
        )
    return session.execute(query.order_by(Membership.start_date)).scalars().all()


def memberships_of_body(
    session: Session, body_id: str, *, on: date | None = None
) -> Sequence[Membership]:
    """Seats in a body, oldest first; only those held on ``on`` when given."""
    return _seats(session, Membership.body_id == body_id, on)


def memberships_of_organisation(
    session: Session, organisation_id: str, *, on: date | None = None
) -> Sequence[Membership]:
    return _seats(session, Membership.organisation_id == organisation_id, on)


def seat_roles_of_organisation(
    session: Session, organisation_id: str, *, on: date
) -> dict[str, str]:
    """Body id -> role of each seat an organisation holds on ``on``: what an actor needs,
    read as two columns (every authenticated request asks)."""
    rows = session.execute(
        select(Membership.body_id, Membership.role)
        .where(
            Membership.organisation_id == organisation_id,
            Membership.start_date <= on,
            or_(Membership.end_date.is_(None), Membership.end_date > on),
        )
        .order_by(Membership.start_date)
    )
    return {str(body_id): str(role) for body_id, role in rows}


def account_exists(session: Session, email: str) -> bool:
    """Whether an address already has an account: all an invitation asks of the users table
    (the identities themselves are auth's)."""
    found = session.execute(select(User.id).where(User.email == email.lower())).first()
    return found is not None


def invitation_by_token_hash(session: Session, token_hash: str) -> Invitation | None:
    return session.execute(
        select(Invitation)
        .options(joinedload(Invitation.organisation))
        .where(Invitation.token_hash == token_hash)
    ).scalar_one_or_none()


def invitations(session: Session, *, organisation_id: str | None = None) -> Sequence[Invitation]:
    query = (
        select(Invitation)
        .options(selectinload(Invitation.organisation))
        .order_by(Invitation.created_at.desc())
    )
    if organisation_id:
        query = query.where(Invitation.organisation_id == organisation_id)
    return session.execute(query).scalars().all()


def display_names(session: Session, user_ids: set[str]) -> dict[str, str]:
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    return {str(user_id): str(name) for user_id, name in rows}
