"""Queries of membership applications; never commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from nohaven.governance.applications.models import ApplicationStatus, MembershipApplication
from nohaven.members.models import Body, BodyKind

OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.VOTING)


def pending(session: Session, *, body_id: str, organisation_id: str) -> str | None:
    """The id of the organisation's application to the body that is still under way."""
    return session.scalar(
        select(MembershipApplication.id).where(
            MembershipApplication.body_id == body_id,
            MembershipApplication.organisation_id == organisation_id,
            MembershipApplication.status.in_([s.value for s in OPEN]),
        )
    )


def applications(session: Session) -> Sequence[MembershipApplication]:
    """Every application, newest first, with its organisation."""
    return session.scalars(
        select(MembershipApplication)
        .options(selectinload(MembershipApplication.organisation))
        .order_by(MembershipApplication.created_at.desc())
    ).all()


def of_motion(session: Session, motion_id: str) -> MembershipApplication | None:
    return session.scalar(
        select(MembershipApplication).where(MembershipApplication.motion_id == motion_id)
    )


def alliance_bodies(session: Session) -> list[Body]:
    return list(
        session.scalars(select(Body).where(Body.kind == BodyKind.ALLIANCE).order_by(Body.name))
    )
