"""Vote counting: quorum, majorities, ties, changed votes, late votes, non-members, secrecy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from nohaven.audit.models import AuditEntry
from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.governance import flows
from nohaven.governance.bodies import service as bodies
from nohaven.governance.motions import counting
from nohaven.governance.motions import service as voting
from nohaven.governance.motions.models import Ballot, Majority, Motion, Outcome, Participation
from nohaven.kit.clock import utcnow
from tests.governance.conftest import Seats


def _motion(db: Session, seats: Seats, **kw: object) -> Motion:
    return voting.create_motion(
        db,
        actor=seats.actor("chair"),
        body_id=seats.body.id,
        title="Adopt the statement",
        closes_at=utcnow() + timedelta(days=3),
        **kw,  # type: ignore[arg-type]
    )


def _expire(db: Session, motion: Motion) -> None:
    """Move the motion's window into the past (as if its time had run out)."""
    motion.opens_at = utcnow() - timedelta(days=2)
    motion.closes_at = utcnow() - timedelta(seconds=1)
    db.flush()


def test_count_simple_majority_ignores_abstentions() -> None:
    r = counting.count(
        options=["yes", "no", "abstain"],
        ballots=["yes", "abstain", "abstain", "no", "yes"],
        eligible=6,
        quorum_percent=50,
        majority=Majority.SIMPLE,
    )
    assert r.turnout == 5
    assert r.quorum_met
    assert r.tally == {"yes": 2, "no": 1, "abstain": 2}
    assert r.outcome == Outcome.CARRIED


def test_count_tie_is_not_carried() -> None:
    r = counting.count(
        options=["yes", "no", "abstain"],
        ballots=["yes", "no"],
        eligible=2,
        quorum_percent=50,
        majority=Majority.SIMPLE,
    )
    assert r.winner is None
    assert r.outcome == Outcome.NOT_CARRIED


def test_count_quorum_boundary() -> None:
    kw = {"options": ["yes", "no", "abstain"], "quorum_percent": 50, "majority": "simple"}
    assert counting.count(ballots=["yes"], eligible=3, **kw).outcome == Outcome.NO_QUORUM  # type: ignore[arg-type]
    assert counting.count(ballots=["yes", "abstain"], eligible=4, **kw).outcome == Outcome.CARRIED  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("majority", "ballots", "outcome"),
    [
        ("two_thirds", ["yes", "yes", "no"], Outcome.CARRIED),
        ("two_thirds", ["yes", "yes", "no", "no", "yes"], Outcome.NOT_CARRIED),  # 3/5 < 2/3
        ("consensus", ["yes", "yes", "abstain"], Outcome.CARRIED),
        ("consensus", ["yes", "yes", "no"], Outcome.NOT_CARRIED),
        ("simple", ["no", "no", "yes"], Outcome.NOT_CARRIED),
    ],
)
def test_count_majorities(majority: str, ballots: list[str], outcome: Outcome) -> None:
    r = counting.count(
        options=["yes", "no", "abstain"],
        ballots=ballots,
        eligible=len(ballots),
        quorum_percent=50,
        majority=majority,
    )
    assert r.outcome == outcome


def test_vote_close_and_result_recorded(db: Session, seats: Seats) -> None:
    motion = _motion(db, seats)
    voting.cast_vote(db, actor=seats.actor("chair"), motion_id=motion.id, option="yes")
    voting.cast_vote(db, actor=seats.actor("a"), motion_id=motion.id, option="no")
    changed = voting.cast_vote(db, actor=seats.actor("a"), motion_id=motion.id, option="yes")
    assert changed.changed
    closed = flows.close_motion(db, actor=seats.actor("chair"), motion_id=motion.id)
    assert closed.tally == {"yes": 2, "no": 0, "abstain": 0}
    assert (closed.eligible, closed.turnout, closed.quorum_met) == (3, 2, True)
    assert closed.outcome == Outcome.CARRIED
    with pytest.raises(Conflict):
        voting.cast_vote(db, actor=seats.actor("b"), motion_id=motion.id, option="no")
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.resource_id == motion.id)).all()
    assert actions.count("motion.vote") == 2
    assert "motion.vote_changed" in actions
    assert "motion.close" in actions


def test_late_vote_is_refused_and_the_close_action_records_the_result_at_the_deadline(
    db: Session, seats: Seats
) -> None:
    motion = _motion(db, seats)
    voting.cast_vote(db, actor=seats.actor("chair"), motion_id=motion.id, option="no")
    voting.cast_vote(db, actor=seats.actor("b"), motion_id=motion.id, option="no")
    _expire(db, motion)
    with pytest.raises(Conflict, match="closed"):
        voting.cast_vote(db, actor=seats.actor("a"), motion_id=motion.id, option="yes")
    # Neither the refused vote nor a read records anything: the motion waits to be counted.
    read = voting.get_motion(db, actor=seats.actor("a"), motion_id=motion.id)
    assert read.closed_at is None
    assert voting.stage(read, utcnow()) == voting.Stage.COUNTING
    closed = flows.close_motion(db, actor=seats.actor("chair"), motion_id=motion.id)
    assert closed.closed_at == motion.closes_at
    assert closed.outcome == Outcome.NOT_CARRIED
    assert closed.tally == {"yes": 0, "no": 2, "abstain": 0}
    with pytest.raises(Conflict, match="already closed"):
        flows.close_motion(db, actor=seats.actor("chair"), motion_id=motion.id)
    assert flows.close_due_motions(db, now=utcnow()) == 0


def test_the_close_job_records_results_of_motions_past_their_time(
    db: Session, seats: Seats
) -> None:
    due, running = _motion(db, seats), _motion(db, seats)
    voting.cast_vote(db, actor=seats.actor("chair"), motion_id=due.id, option="yes")
    _expire(db, due)
    # Looking at it records nothing: a read never writes.
    assert voting.get_motion(db, actor=seats.actor("a"), motion_id=due.id).closed_at is None
    assert flows.close_due_motions(db, now=utcnow()) == 1
    assert due.closed_at == due.closes_at
    assert due.tally == {"yes": 1, "no": 0, "abstain": 0}
    assert running.closed_at is None
    assert flows.close_due_motions(db, now=utcnow()) == 0
    closes = db.scalars(
        select(AuditEntry.actor_label).where(
            AuditEntry.resource_id == due.id, AuditEntry.action == "motion.close"
        )
    ).all()
    assert closes == ["motion close"]


@pytest.mark.parametrize("who", ["observer", "affiliate", "secretariat", "outsider", "a_analyst"])
def test_non_voters_are_rejected(db: Session, seats: Seats, who: str) -> None:
    motion = _motion(db, seats)
    # Who cannot see the motion is told it does not exist; who sees it but may not vote, no.
    refused = NotFound if who == "outsider" else Forbidden
    with pytest.raises(refused):
        voting.cast_vote(db, actor=seats.actor(who), motion_id=motion.id, option="yes")
    assert db.scalar(select(Participation).where(Participation.motion_id == motion.id)) is None


def test_vote_before_opening_and_bad_option(db: Session, seats: Seats) -> None:
    motion = _motion(db, seats, opens_at=utcnow() + timedelta(hours=1))
    with pytest.raises(Conflict, match="not opened"):
        voting.cast_vote(db, actor=seats.actor("a"), motion_id=motion.id, option="yes")
    open_now = _motion(db, seats)
    with pytest.raises(InvalidInput):
        voting.cast_vote(db, actor=seats.actor("a"), motion_id=open_now.id, option="maybe")


def test_only_officers_table_and_close(db: Session, seats: Seats) -> None:
    with pytest.raises(Forbidden):
        _motion_as(db, seats, "a")
    motion = _motion(db, seats)
    with pytest.raises(Forbidden):
        flows.close_motion(db, actor=seats.actor("a"), motion_id=motion.id)
    assert _motion_as(db, seats, "secretariat").body_id == seats.body.id


def _motion_as(db: Session, seats: Seats, who: str) -> Motion:
    return voting.create_motion(
        db,
        actor=seats.actor(who),
        body_id=seats.body.id,
        title="Something",
        closes_at=utcnow() + timedelta(days=1),
    )


def test_bad_motion_input(db: Session, seats: Seats) -> None:
    with pytest.raises(InvalidInput):
        _motion(db, seats, options=["yes", "abstain"])
    with pytest.raises(InvalidInput):
        voting.create_motion(
            db,
            actor=seats.actor("chair"),
            body_id=seats.body.id,
            title="Late",
            closes_at=utcnow() - timedelta(hours=1),
            opens_at=utcnow() - timedelta(hours=2),
        )


def test_settings_snapshot_and_two_thirds(db: Session, seats: Seats) -> None:
    bodies.update_standing_orders(
        db,
        actor=seats.actor("admin"),
        body_id=seats.body.id,
        majority="two_thirds",
        quorum_percent=100,
    )
    motion = _motion(db, seats)
    assert (motion.majority, motion.quorum_percent) == ("two_thirds", 100)
    for who, option in (("chair", "yes"), ("a", "yes"), ("b", "no")):
        voting.cast_vote(db, actor=seats.actor(who), motion_id=motion.id, option=option)
    closed = flows.close_motion(db, actor=seats.actor("admin"), motion_id=motion.id)
    assert closed.outcome == Outcome.CARRIED
    with pytest.raises(Forbidden):
        bodies.update_standing_orders(
            db, actor=seats.actor("chair"), body_id=seats.body.id, majority="simple"
        )


def test_secret_ballot_hides_who_voted_what(db: Session, seats: Seats) -> None:
    motion = _motion(db, seats, secret=True)
    first = voting.cast_vote(db, actor=seats.actor("a"), motion_id=motion.id, option="no")
    assert first.receipt
    voting.cast_vote(db, actor=seats.actor("b"), motion_id=motion.id, option="yes")
    # No column of a secret ballot names an organisation, and neither table has a time.
    ballots = db.scalars(select(Ballot).where(Ballot.motion_id == motion.id)).all()
    assert {b.organisation_id for b in ballots} == {None}
    assert all(b.receipt_hash and first.receipt not in b.receipt_hash for b in ballots)
    for table in (Ballot, Participation):
        columns = {c.key for c in inspect(table).columns}
        assert not {"created_at", "updated_at", "at", "cast_at"} & columns
    assert "organisation_id" not in {c.key for c in inspect(Participation).columns} - {
        "organisation_id"
    }
    # The audit chain says that A voted, not what.
    entry = db.scalars(
        select(AuditEntry).where(
            AuditEntry.resource_id == motion.id, AuditEntry.action == "motion.vote"
        )
    ).first()
    assert entry is not None
    assert "no" not in str(entry.summary)
    assert "yes" not in str(entry.summary)
    # Own vote and the closed result do not reveal it either.
    assert voting.own_vote(db, actor=seats.actor("a"), motion=motion) == (True, None)
    # Double voting is refused without the receipt; with it the vote changes.
    with pytest.raises(Conflict, match="receipt"):
        voting.cast_vote(db, actor=seats.actor("a"), motion_id=motion.id, option="yes")
    with pytest.raises(Forbidden):
        voting.cast_vote(
            db, actor=seats.actor("a"), motion_id=motion.id, option="yes", receipt="guess"
        )
    changed = voting.cast_vote(
        db, actor=seats.actor("a"), motion_id=motion.id, option="yes", receipt=first.receipt
    )
    assert changed.changed
    assert changed.receipt is None
    closed = flows.close_motion(db, actor=seats.actor("chair"), motion_id=motion.id)
    assert closed.tally == {"yes": 2, "no": 0, "abstain": 0}
    assert voting.open_ballots(db, actor=seats.actor("admin"), motion=closed) == {}
    assert voting.participants(db, actor=seats.actor("admin"), motion=closed) == sorted(
        [seats.a.id, seats.b.id]
    )


def test_open_ballot_shows_votes_after_close(db: Session, seats: Seats) -> None:
    motion = _motion(db, seats)
    voting.cast_vote(db, actor=seats.actor("a"), motion_id=motion.id, option="no")
    assert voting.own_vote(db, actor=seats.actor("a"), motion=motion) == (True, "no")
    assert voting.open_ballots(db, actor=seats.actor("b"), motion=motion) == {}
    flows.close_motion(db, actor=seats.actor("chair"), motion_id=motion.id)
    assert voting.open_ballots(db, actor=seats.actor("b"), motion=motion) == {seats.a.id: "no"}


def test_motion_read_is_limited_to_the_body(db: Session, seats: Seats) -> None:
    motion = _motion(db, seats)
    with pytest.raises(NotFound):
        voting.get_motion(db, actor=seats.actor("outsider"), motion_id=motion.id)
    assert voting.list_motions(db, actor=seats.actor("outsider")) == []
    assert [m.id for m in voting.list_motions(db, actor=seats.actor("observer"))] == [motion.id]


def test_simultaneous_votes_of_one_organisation_conflict(db: Session, seats: Seats) -> None:
    """The unique participation row settles a race between two delegates of one member: the
    second delegate's request, which checked before the first committed, gets a 409."""
    motion = _motion(db, seats)
    db.add(Participation(motion_id=motion.id, organisation_id=seats.a.id))
    db.flush()
    db.add(Participation(motion_id=motion.id, organisation_id=seats.a.id))
    with pytest.raises(Conflict, match="same moment"):
        voting._flush_vote(db)
    db.rollback()
