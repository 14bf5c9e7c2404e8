"""Tabling motions, casting votes and recording results (the rules: see the package
docstring)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, require
from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.governance.bodies import service as bodies
from nohaven.governance.motions import announce, counting
from nohaven.governance.motions import repository as repo
from nohaven.governance.motions.models import (
    ABSTAIN,
    DEFAULT_OPTIONS,
    Ballot,
    Motion,
    Participation,
)
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.ids import new_token, sha256_hex
from nohaven.members.models import UserRole

CLOSER = Actor.system("motion close")


class Stage(enum.StrEnum):
    """Where a motion stands at a moment, computed without writing anything."""

    UPCOMING = "upcoming"
    OPEN = "open"
    COUNTING = "counting"  # its time is over; the close job has not recorded the result yet
    CLOSED = "closed"


def stage(motion: Motion, now: datetime) -> Stage:
    if motion.closed_at is not None:
        return Stage.CLOSED
    if now >= motion.closes_at:
        return Stage.COUNTING
    if now < motion.opens_at:
        return Stage.UPCOMING
    return Stage.OPEN


def _clean_options(options: Sequence[str] | None) -> list[str]:
    if not options:
        return list(DEFAULT_OPTIONS)
    cleaned = [o.strip().lower() for o in options if o.strip()]
    if len(cleaned) != len(set(cleaned)):
        raise InvalidInput(
            "Options must differ.", errors=[{"field": "options", "message": "duplicate option"}]
        )
    if len([o for o in cleaned if o != ABSTAIN]) < 2:
        raise InvalidInput(
            "A motion needs at least two options besides abstaining.",
            errors=[{"field": "options", "message": "at least two options"}],
        )
    if any(len(o) > 80 for o in cleaned):
        raise InvalidInput(
            "Options are at most 80 characters.",
            errors=[{"field": "options", "message": "too long"}],
        )
    return cleaned


def create_motion(
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
) -> Motion:
    body = bodies.get_body(session, body_id)
    if body is None:
        raise NotFound(N_("No such body."))
    orders = bodies.standing_orders_of(session, body.id)
    opens = opens_at or utcnow()
    motion = Motion(
        body_id=body.id,
        title=title.strip(),
        text=text.strip(),
        options=_clean_options(options),
        opens_at=opens,
        closes_at=closes_at,
        secret=secret,
        majority=orders.majority,
        quorum_percent=orders.quorum_percent,
        proposed_by_id=actor.organisation_id,
    )
    require(actor, Action.CREATE, motion)
    if not motion.title:
        raise InvalidInput(
            "A motion needs a title.", errors=[{"field": "title", "message": "required"}]
        )
    if closes_at.tzinfo is None or opens.tzinfo is None:
        raise InvalidInput(N_("Times must carry a time zone."))
    if closes_at <= opens:
        raise InvalidInput(
            "A motion must close after it opens.",
            errors=[{"field": "closes_at", "message": "after the opening time"}],
        )
    if closes_at <= utcnow():
        raise InvalidInput(
            "The closing time has already passed.",
            errors=[{"field": "closes_at", "message": "in the future"}],
        )
    session.add(motion)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="motion.create",
        resource_type="motion",
        resource_id=motion.id,
        organisation_id=actor.organisation_id,
        summary={
            "body_id": body.id,
            "options": motion.options,
            "secret": secret,
            "majority": motion.majority,
            "quorum_percent": motion.quorum_percent,
            "closes_at": closes_at.isoformat(),
        },
    )
    announce.opened(session, actor=actor, motion=motion)
    return motion


def get_motion(session: Session, *, actor: Actor, motion_id: str) -> Motion:
    motion = session.get(Motion, motion_id)
    if motion is None:
        raise NotFound(N_("No such motion."))
    require(actor, Action.READ, motion)
    # A read never writes: a motion past its time is closed by the governance.close_motions
    # job or the close action, not by whoever looks at it first (see `stage`).
    return motion


def list_motions(session: Session, *, actor: Actor, body_id: str | None = None) -> list[Motion]:
    require(actor, Action.LIST, Motion)
    return [m for m in repo.motions(session, body_id=body_id) if can(actor, Action.READ, m)]


def visible_motions(session: Session, *, actor: Actor, ids: Sequence[str]) -> dict[str, Motion]:
    """The motions of ``ids`` the actor may read, by id."""
    found = repo.motions_by_id(session, ids)
    return {i: m for i, m in found.items() if can(actor, Action.READ, m)}


def may_vote(session: Session, *, actor: Actor, motion: Motion, now: datetime) -> bool:
    return (
        can(actor, Action.VOTE, motion)
        and motion.is_open(now)
        and actor.organisation_id
        in bodies.voting_organisations(session, motion.body_id, now.date())
    )


@dataclass(frozen=True)
class CastVote:
    motion: Motion
    changed: bool
    receipt: str | None  # secret ballots: shown once, needed to change the vote


def cast_vote(
    session: Session,
    *,
    actor: Actor,
    motion_id: str,
    option: str,
    receipt: str | None = None,
) -> CastVote:
    motion = session.get(Motion, motion_id)
    if motion is None:
        raise NotFound(N_("No such motion."))
    require(actor, Action.VOTE, motion)
    # Votes on one motion are written one at a time and never beside its count.
    motion = repo.locked(session, motion_id) or motion
    now = utcnow()
    if motion.closed_at is not None or now >= motion.closes_at:
        raise Conflict(N_("Voting on this motion has closed."))
    if now < motion.opens_at:
        raise Conflict(N_("Voting on this motion has not opened yet."))
    if not actor.has(UserRole.DELEGATE) or actor.organisation_id is None:
        raise Forbidden(N_("Only a delegate of a voting member casts its vote."))
    org_id = actor.organisation_id
    if org_id not in bodies.voting_organisations(session, motion.body_id, now.date()):
        raise Forbidden(N_("Your organisation has no vote in this body."))
    choice = option.strip().lower()
    if choice not in motion.options:
        raise InvalidInput(
            "That is not an option of this motion.",
            errors=[{"field": "option", "message": f"one of {', '.join(motion.options)}"}],
        )
    participated = repo.participation(session, motion.id, org_id)
    issued: str | None = None
    if motion.secret:
        if participated is not None:
            if not receipt:
                raise Conflict(
                    "Your organisation has already voted. To change a secret vote, give the "
                    "receipt you were shown when it was cast."
                )
            ballot = repo.secret_ballot(session, motion.id, sha256_hex(receipt))
            if ballot is None:
                raise Forbidden(N_("That receipt does not match a ballot of this motion."))
            ballot.option = choice
        else:
            issued = new_token(16)
            session.add(Participation(motion_id=motion.id, organisation_id=org_id))
            session.add(Ballot(motion_id=motion.id, option=choice, receipt_hash=sha256_hex(issued)))
        _flush_vote(session)
        if session.get_bind().dialect.name == "postgresql":
            repo.rewrite_ballots(session, motion.id)
    else:
        if participated is None:
            session.add(Participation(motion_id=motion.id, organisation_id=org_id))
            session.add(Ballot(motion_id=motion.id, option=choice, organisation_id=org_id))
        else:
            ballot = repo.open_ballot(session, motion.id, org_id)
            if ballot is None:  # pragma: no cover - the two rows are written together
                raise Conflict(N_("The ballot of your organisation is missing."))
            ballot.option = choice
        _flush_vote(session)
    audit.record(
        session,
        actor=actor,
        action="motion.vote_changed" if participated is not None else "motion.vote",
        resource_type="motion",
        resource_id=motion.id,
        organisation_id=org_id,
        # Secret: that the organisation voted, never what.
        summary={} if motion.secret else {"option": choice},
    )
    return CastVote(motion=motion, changed=participated is not None, receipt=issued)


def _flush_vote(session: Session) -> None:
    """Two delegates of one organisation voting at the same moment: the unique constraint on
    participation lets one through; the other gets a clear answer, not a server error."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "Another delegate of your organisation voted at the same moment; reload the page."
        ) from exc


def own_vote(session: Session, *, actor: Actor, motion: Motion) -> tuple[bool, str | None]:
    """Whether the actor's organisation voted and, for an open ballot, what."""
    if actor.organisation_id is None:
        return False, None
    if repo.participation(session, motion.id, actor.organisation_id) is None:
        return False, None
    if motion.secret:
        return True, None
    ballot = repo.open_ballot(session, motion.id, actor.organisation_id)
    return True, ballot.option if ballot else None


def participants(session: Session, *, actor: Actor, motion: Motion) -> list[str]:
    """Organisation ids that voted (public within the body, secret or not)."""
    require(actor, Action.READ, motion)
    return repo.participants(session, motion.id)


def open_ballots(session: Session, *, actor: Actor, motion: Motion) -> dict[str, str]:
    """Organisation id → option, for an open (non-secret) motion once it has closed."""
    require(actor, Action.READ, motion)
    if motion.secret or motion.closed_at is None:
        return {}
    return repo.named_options(session, motion.id)


def supporters(session: Session, *, motion: Motion) -> set[str] | None:
    """Organisations whose open ballot chose the option the motion carried; None for a secret
    ballot, which never says who voted for what."""
    if motion.secret or motion.closed_at is None or motion.winner is None:
        return None
    return {
        org
        for org, option in repo.named_options(session, motion.id).items()
        if option == motion.winner
    }


# --- closing --------------------------------------------------------------------------------


def close_motion(session: Session, *, actor: Actor, motion_id: str) -> Motion:
    """Close a motion early (the chair or secretariat), or record its result after its time.
    Under the row lock: of two closers, the second finds it closed."""
    motion = session.get(Motion, motion_id)
    if motion is None:
        raise NotFound(N_("No such motion."))
    require(actor, Action.MANAGE, motion)
    motion = repo.locked(session, motion_id) or motion
    if motion.closed_at is not None:
        raise Conflict(N_("This motion is already closed."))
    now = utcnow()
    if now >= motion.closes_at:
        _record_result(session, motion, closed_at=motion.closes_at, actor=CLOSER)
    else:
        _record_result(session, motion, closed_at=now, actor=actor)
    return motion


def close_due_motions(session: Session, *, now: datetime) -> list[Motion]:
    """Record the result of every motion whose time has passed (the close job)."""
    closed = []
    for motion in repo.due(session, now=now):
        _record_result(session, motion, closed_at=motion.closes_at, actor=CLOSER)
        closed.append(motion)
    return closed


def _record_result(session: Session, motion: Motion, *, closed_at: datetime, actor: Actor) -> None:
    ballots = repo.options_cast(session, motion.id)
    if repo.participation_count(session, motion.id) != len(ballots):  # pragma: no cover
        raise Conflict(N_("Participation and ballots disagree; the result is not recorded."))
    eligible = len(bodies.voting_organisations(session, motion.body_id, closed_at.date()))
    result = counting.count(
        options=motion.options,
        ballots=ballots,
        eligible=max(eligible, len(ballots)),
        quorum_percent=motion.quorum_percent,
        majority=motion.majority,
    )
    motion.closed_at = closed_at
    motion.tally = result.tally
    motion.eligible = result.eligible
    motion.turnout = result.turnout
    motion.quorum_met = result.quorum_met
    motion.winner = result.winner
    motion.outcome = result.outcome
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="motion.close",
        resource_type="motion",
        resource_id=motion.id,
        summary={
            "tally": result.tally,
            "eligible": result.eligible,
            "turnout": result.turnout,
            "quorum_met": result.quorum_met,
            "outcome": result.outcome.value,
        },
    )
    announce.closed(session, actor=actor, motion=motion)
