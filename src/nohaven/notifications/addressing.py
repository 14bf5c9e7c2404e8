"""Who must act on a notice: the people of the receiving organisation it is addressed to.

An organisation designates contacts for an area (its point of contact for travel
notifications, its deconfliction officers); a notice of that area goes to them. Without a
designation, and for the other kinds, the roles that act on the kind receive it: analysts for
hits and hash lists, delegates for the work of bodies, admins for the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.members.models import User, UserRole
from nohaven.notifications.kinds import Kind
from nohaven.notifications.models import NoticeContact

# The roles that act on each family of kinds when nobody is designated for its area.
ROLES_BY_PREFIX: tuple[tuple[str, frozenset[str]], ...] = (
    ("travel.escalation", frozenset({UserRole.ORG_ADMIN})),
    ("travel.", frozenset({UserRole.ORG_ADMIN, UserRole.ANALYST})),
    ("deconfliction.", frozenset({UserRole.ANALYST})),
    ("hashes.", frozenset({UserRole.ANALYST})),
    ("governance.", frozenset({UserRole.DELEGATE})),
    ("policy.", frozenset({UserRole.DELEGATE})),
)
FALLBACK_ROLES = frozenset({UserRole.ORG_ADMIN})


def active_users(session: Session, organisation_id: str) -> Sequence[User]:
    return (
        session.execute(
            select(User)
            .where(User.organisation_id == organisation_id, User.is_active.is_(True))
            .order_by(User.created_at, User.id)
        )
        .scalars()
        .all()
    )


def designated(session: Session, *, organisation_id: str, area: str) -> set[str]:
    return set(
        session.execute(
            select(NoticeContact.user_id).where(
                NoticeContact.organisation_id == organisation_id, NoticeContact.area == area
            )
        ).scalars()
    )


def roles_for(kind: Kind) -> frozenset[str]:
    for prefix, roles in ROLES_BY_PREFIX:
        if kind.key.startswith(prefix):
            return roles
    return FALLBACK_ROLES


def addressees(
    session: Session, *, organisation_id: str, kind: Kind
) -> tuple[list[User], set[str]]:
    """The people of the organisation a notice of ``kind`` is addressed to, and which of them
    are its designated contacts for the kind's area."""
    users = active_users(session, organisation_id)
    contacts = (
        designated(session, organisation_id=organisation_id, area=kind.area) if kind.area else set()
    )
    chosen = [u for u in users if u.id in contacts]
    if kind.key == "travel.escalation":
        # An escalation reaches the admins over the contact's head, as well as the contact.
        chosen += [u for u in users if u.has_role(UserRole.ORG_ADMIN) and u.id not in contacts]
    if not chosen:
        roles = roles_for(kind)
        chosen = [u for u in users if roles & set(u.roles)]
    if not chosen:
        chosen = [u for u in users if u.has_role(UserRole.ORG_ADMIN)]
    return chosen, contacts
