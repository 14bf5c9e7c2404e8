"""What happens across governance rooms: a motion tabled to adopt a statement, and what a
closed motion sets in motion (a statement adopted, an application decided).

The motion engine (`nohaven.governance.motions`) knows nothing of who uses its result;
statements and applications point to their motion, and this module is the one place that
joins them. Every way a motion closes — the close action and the scheduled job — goes
through `close_motion` or `close_due_motions` here, so the consequences follow exactly once,
in the same transaction as the result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.governance.applications import service as applications
from nohaven.governance.motions import service as motions
from nohaven.governance.motions.models import Motion
from nohaven.governance.statements import service as statements


def table_motion(
    session: Session,
    *,
    actor: Actor,
    body_id: str,
    title: str,
    text: str = "",
    options: Sequence[str] | None = None,
    opens_at: datetime | None = None,
    closes_at: datetime,
    secret: bool = False,
    statement_id: str | None = None,
) -> Motion:
    """Table a motion; with ``statement_id``, one that adopts that draft statement."""
    motion = motions.create_motion(
        session,
        actor=actor,
        body_id=body_id,
        title=title,
        text=text,
        options=options,
        opens_at=opens_at,
        closes_at=closes_at,
        secret=secret,
    )
    if statement_id is not None:
        statements.await_adoption(session, statement_id=statement_id, motion=motion)
    return motion


def carry_out(session: Session, motion: Motion) -> None:
    """What a just-closed motion decides, done."""
    statements.adopt_by_vote(session, motion=motion)
    applications.decide_by_vote(session, motion=motion)


def close_motion(session: Session, *, actor: Actor, motion_id: str) -> Motion:
    motion = motions.close_motion(session, actor=actor, motion_id=motion_id)
    carry_out(session, motion)
    return motion


def close_due_motions(session: Session, *, now: datetime) -> int:
    """The ``governance.close_motions`` job: every motion past its time, counted and carried
    out."""
    closed = motions.close_due_motions(session, now=now)
    for motion in closed:
        carry_out(session, motion)
    return len(closed)


@dataclass(frozen=True)
class Subject:
    """What a motion decides, when it decides something the platform acts on."""

    statement_id: str | None = None
    application_id: str | None = None


def subject_of(session: Session, motion: Motion) -> Subject:
    statement = statements.statement_of_motion(session, motion.id)
    application = applications.application_of_motion(session, motion.id)
    return Subject(
        statement_id=statement.id if statement else None,
        application_id=application.id if application else None,
    )
