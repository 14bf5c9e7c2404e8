"""Motions and one-member-one-vote decisions.

Who votes: one vote per organisation holding a voting seat (`VOTING_ROLES`: chair,
vice-chair, member) in the motion's body on the day the vote is cast, cast by a user of that
organisation with the delegate role. Observers, affiliates and the secretariat do not vote.
A vote may be changed until the motion closes; after that it is rejected.

Counting (at close, deterministic): abstentions count towards the quorum (turnout) but not
towards the majority. Quorum is met when the organisations that took part are at least
``quorum_percent`` of the organisations with a voting seat on the closing day. The leading
option wins if it is the only one with the most votes and it holds

* simple: more than half of the non-abstaining votes,
* two-thirds: at least two thirds of them,
* consensus: all of them (and there is at least one);

a tie therefore never wins. The motion is *carried* when the winner is its first option
("yes" by default). A motion is closed by the explicit close action or, lazily, by the first
read after its closing time; both compute the same result from the same ballots.

Secret ballots. The design keeps *that* an organisation voted apart from *what* it voted:

* `Participation` (motion, organisation) says that an organisation voted; its unique
  constraint is what prevents double voting.
* `Ballot` (motion, option, receipt hash) holds the vote with no organisation column.
* Neither table has a timestamp, and their ids are random (uuid4), so no column re-links them.
* On SQLite the ballot table is created ``WITHOUT ROWID``, so its physical order is that of
  the random ids, not of insertion. On PostgreSQL every vote rewrites all ballots of the motion,
  one by one in id order, in the voter's transaction: every live ballot then carries that
  transaction's id (``xmin``) and sits at a position unrelated to when it was cast.
* The voter gets a random receipt once; only its SHA-256 is stored. Changing a secret vote
  needs the receipt; nobody else can find the ballot. The audit chain records that an
  organisation voted (or changed its vote), never the option.

Not covered (operational, documented for deployers): a database administrator logging
statements, or reading WAL files or dead tuples before VACUUM, can still observe a vote as it
is cast. Turn statement logging off for this table and vacuum after each close.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.governance import counting
from nohaven.governance.body_rules import settings_of
from nohaven.governance.models import (
    ABSTAIN,
    DEFAULT_OPTIONS,
    Ballot,
    Motion,
    Participation,
)
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_token, sha256_hex
from nohaven.members import service as members_service
from nohaven.members.models import VOTING_ROLES, Body, UserRole

# --- motions --------------------------------------------------------------------------------


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
    statement_id: str | None = None,
    application_id: str | None = None,
) -> Motion:
    body = session.get(Body, body_id)
    if body is None:
        raise NotFound("No such body.")
    rules = settings_of(session, body.id)
    opens = opens_at or utcnow()
    motion = Motion(
        body_id=body.id,
        title=title.strip(),
        text=text.strip(),
        options=_clean_options(options),
        opens_at=opens,
        closes_at=closes_at,
        secret=secret,
        majority=rules.majority,
        quorum_percent=rules.quorum_percent,
        proposed_by_id=actor.organisation_id,
        statement_id=statement_id,
        application_id=application_id,
    )
    require(actor, Action.CREATE, motion)
    if not motion.title:
        raise InvalidInput(
            "A motion needs a title.", errors=[{"field": "title", "message": "required"}]
        )
    if closes_at.tzinfo is None or opens.tzinfo is None:
        raise InvalidInput("Times must carry a time zone.")
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
    if statement_id is not None:
        from nohaven.governance.models import Statement, StatementStatus

        statement = session.get(Statement, statement_id)
        if statement is None or statement.body_id != body.id:
            raise InvalidInput(
                "No such statement in this body.",
                errors=[{"field": "statement_id", "message": "unknown statement"}],
            )
        if statement.status != StatementStatus.DRAFT:
            raise Conflict("That statement has already been adopted.")
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
    return motion


def get_motion(session: Session, *, actor: Actor, motion_id: str) -> Motion:
    motion = session.get(Motion, motion_id)
    if motion is None:
        raise NotFound("No such motion.")
    require(actor, Action.READ, motion)
    # A read never writes: a motion past its time is closed by the governance.close_motions
    # job (or by the next vote or close on it), not by whoever looks at it first.
    return motion


def list_motions(session: Session, *, actor: Actor, body_id: str | None = None) -> list[Motion]:
    require(actor, Action.LIST, Motion)
    query = select(Motion).order_by(Motion.closes_at.desc())
    if body_id:
        query = query.where(Motion.body_id == body_id)
    return [m for m in session.scalars(query) if _can_read(actor, m)]


def _can_read(actor: Actor, motion: Motion) -> bool:
    from nohaven.auth.policy import can

    return can(actor, Action.READ, motion)


def voting_organisations(session: Session, body_id: str, day: date) -> set[str]:
    return {
        m.organisation_id
        for m in members_service.seats_of_body(session, body_id=body_id, on=day)
        if m.role in VOTING_ROLES
    }


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
        raise NotFound("No such motion.")
    require(actor, Action.VOTE, motion)
    now = utcnow()
    settle(session, motion, now=now)
    if motion.closed_at is not None or now >= motion.closes_at:
        raise Conflict("Voting on this motion has closed.")
    if now < motion.opens_at:
        raise Conflict("Voting on this motion has not opened yet.")
    if not actor.has(UserRole.DELEGATE) or actor.organisation_id is None:
        raise Forbidden("Only a delegate of a voting member casts its vote.")
    org_id = actor.organisation_id
    if org_id not in voting_organisations(session, motion.body_id, now.date()):
        raise Forbidden("Your organisation has no vote in this body.")
    choice = option.strip().lower()
    if choice not in motion.options:
        raise InvalidInput(
            "That is not an option of this motion.",
            errors=[{"field": "option", "message": f"one of {', '.join(motion.options)}"}],
        )
    participated = session.scalar(
        select(Participation).where(
            Participation.motion_id == motion.id, Participation.organisation_id == org_id
        )
    )
    issued: str | None = None
    if motion.secret:
        if participated is not None:
            if not receipt:
                raise Conflict(
                    "Your organisation has already voted. To change a secret vote, give the "
                    "receipt you were shown when it was cast."
                )
            ballot = session.scalar(
                select(Ballot).where(
                    Ballot.motion_id == motion.id, Ballot.receipt_hash == sha256_hex(receipt)
                )
            )
            if ballot is None:
                raise Forbidden("That receipt does not match a ballot of this motion.")
            ballot.option = choice
        else:
            issued = new_token(16)
            session.add(Participation(motion_id=motion.id, organisation_id=org_id))
            session.add(Ballot(motion_id=motion.id, option=choice, receipt_hash=sha256_hex(issued)))
        _flush_vote(session)
        _reshuffle(session, motion.id)
    else:
        if participated is None:
            session.add(Participation(motion_id=motion.id, organisation_id=org_id))
            session.add(Ballot(motion_id=motion.id, option=choice, organisation_id=org_id))
        else:
            ballot = session.scalar(
                select(Ballot).where(
                    Ballot.motion_id == motion.id, Ballot.organisation_id == org_id
                )
            )
            if ballot is None:  # pragma: no cover - the two rows are written together
                raise Conflict("The ballot of your organisation is missing.")
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


def _reshuffle(session: Session, motion_id: str) -> None:
    """Rewrite every ballot of the motion in id order (see the module docstring)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    ids = session.scalars(
        select(Ballot.id).where(Ballot.motion_id == motion_id).order_by(Ballot.id)
    ).all()
    for ballot_id in ids:
        session.execute(
            update(Ballot)
            .where(Ballot.id == ballot_id)
            .values(option=Ballot.option)
            .execution_options(synchronize_session=False)
        )


def own_vote(session: Session, *, actor: Actor, motion: Motion) -> tuple[bool, str | None]:
    """Whether the actor's organisation voted and, for an open ballot, what."""
    if actor.organisation_id is None:
        return False, None
    voted = session.scalar(
        select(Participation.id).where(
            Participation.motion_id == motion.id,
            Participation.organisation_id == actor.organisation_id,
        )
    )
    if voted is None:
        return False, None
    if motion.secret:
        return True, None
    option = session.scalar(
        select(Ballot.option).where(
            Ballot.motion_id == motion.id, Ballot.organisation_id == actor.organisation_id
        )
    )
    return True, option


def participants(session: Session, *, actor: Actor, motion: Motion) -> list[str]:
    """Organisation ids that voted (public within the body, secret or not)."""
    require(actor, Action.READ, motion)
    return sorted(
        session.scalars(
            select(Participation.organisation_id).where(Participation.motion_id == motion.id)
        )
    )


def open_ballots(session: Session, *, actor: Actor, motion: Motion) -> dict[str, str]:
    """Organisation id → option, for an open (non-secret) motion once it has closed."""
    require(actor, Action.READ, motion)
    if motion.secret or motion.closed_at is None:
        return {}
    rows = session.execute(
        select(Ballot.organisation_id, Ballot.option).where(Ballot.motion_id == motion.id)
    )
    return {org: option for org, option in rows if org is not None}


# --- closing --------------------------------------------------------------------------------


def settle(session: Session, motion: Motion, *, now: datetime | None = None) -> bool:
    """Close the motion if its time has passed (the lazy close). True when it closed now."""
    if motion.closed_at is not None or (now or utcnow()) < motion.closes_at:
        return False
    _record_result(session, motion, closed_at=motion.closes_at, actor=Actor.system("motion close"))
    return True


def close_due_motions(session: Session, *, now: datetime) -> int:
    """Record the result of every motion whose time has passed (the ``governance.close``
    job). Row locks, skipping any a vote holds right now: that vote settles it itself."""
    due = session.scalars(
        select(Motion)
        .where(Motion.closed_at.is_(None), Motion.closes_at <= now)
        .order_by(Motion.closes_at)
        .with_for_update(skip_locked=True)
    )
    return sum(settle(session, motion, now=now) for motion in due)


def close_motion(session: Session, *, actor: Actor, motion_id: str) -> Motion:
    """Close a motion early (the chair or secretariat), or record its result after its time."""
    motion = session.get(Motion, motion_id)
    if motion is None:
        raise NotFound("No such motion.")
    require(actor, Action.MANAGE, motion)
    now = utcnow()
    if settle(session, motion, now=now):
        return motion
    if motion.closed_at is not None:
        raise Conflict("This motion is already closed.")
    _record_result(session, motion, closed_at=now, actor=actor)
    return motion


def _record_result(session: Session, motion: Motion, *, closed_at: datetime, actor: Actor) -> None:
    ballots = list(session.scalars(select(Ballot.option).where(Ballot.motion_id == motion.id)))
    participating = session.scalar(
        select(func.count()).select_from(Participation).where(Participation.motion_id == motion.id)
    )
    if participating != len(ballots):  # pragma: no cover - written in one transaction
        raise Conflict("Participation and ballots disagree; the result is not recorded.")
    eligible = len(voting_organisations(session, motion.body_id, closed_at.date()))
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
    from nohaven.governance import effects

    effects.after_close(session, motion)
