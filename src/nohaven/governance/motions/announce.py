"""Telling the voting members of a body that a motion is open for votes, and that it closed
(notices ``governance.motion.opened`` and ``governance.motion.closed``, which reach each
organisation's webhooks too). Written in the transaction that tabled or closed the motion.

A motion is announced when it is tabled, with its voting times, even if voting opens later:
delegates plan their vote ahead. What is said is the body and the times, the motion's id and
its page; never how anyone voted."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.governance.bodies import service as bodies
from nohaven.governance.motions.models import Motion
from nohaven.notifications import service as notifications


def motion_path(motion_id: str) -> str:
    return f"/motions/{motion_id}"


def _body_name(session: Session, body_id: str) -> str:
    body = bodies.get_body(session, body_id)
    return body.name if body is not None else "a body"


def opened(session: Session, *, actor: Actor, motion: Motion) -> None:
    name = _body_name(session, motion.body_id)
    for org_id in sorted(
        bodies.voting_organisations(session, motion.body_id, motion.opens_at.date())
    ):
        notifications.notify(
            session,
            actor=actor,
            organisation_id=org_id,
            kind="governance.motion.opened",
            title=f"A motion for your vote in {name}",
            body=(
                f"Voting opens {motion.opens_at:%Y-%m-%d %H:%M} and closes "
                f"{motion.closes_at:%Y-%m-%d %H:%M} (UTC)."
            ),
            link=motion_path(motion.id),
            event_data={
                "motion_id": motion.id,
                "body_id": motion.body_id,
                "opens_at": motion.opens_at.isoformat(),
                "closes_at": motion.closes_at.isoformat(),
            },
        )


def closed(session: Session, *, actor: Actor, motion: Motion) -> None:
    name = _body_name(session, motion.body_id)
    day = (motion.closed_at or motion.closes_at).date()
    for org_id in sorted(bodies.voting_organisations(session, motion.body_id, day)):
        notifications.notify(
            session,
            actor=actor,
            organisation_id=org_id,
            kind="governance.motion.closed",
            title=f"A motion in {name} closed",
            body=f"Outcome: {motion.outcome}.",
            link=motion_path(motion.id),
            event_data={
                "motion_id": motion.id,
                "body_id": motion.body_id,
                "outcome": str(motion.outcome) if motion.outcome is not None else None,
            },
        )
