"""Queries of identities: the people who log in. The users table's ORM class stays in
nohaven.members.models beside the organisations it points to; auth alone queries it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from nohaven.members.models import User


def user_by_email(session: Session, email: str) -> User | None:
    return session.execute(
        select(User).options(joinedload(User.organisation)).where(User.email == email.lower())
    ).scalar_one_or_none()


def user_with_org(session: Session, user_id: str) -> User | None:
    return session.execute(
        select(User).options(joinedload(User.organisation)).where(User.id == user_id)
    ).scalar_one_or_none()


def users(session: Session, *, organisation_id: str | None = None) -> Sequence[User]:
    query = select(User).options(joinedload(User.organisation)).order_by(User.email)
    if organisation_id:
        query = query.where(User.organisation_id == organisation_id)
    return session.execute(query).scalars().all()
