"""The demo: idempotent, and the issue's "done when" walks through on it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.auth import service as auth_service
from nohaven.auth import users as accounts
from nohaven.config import Settings
from nohaven.db import Base
from nohaven.governance import demo, flows
from nohaven.governance.bodies.service import body_by_ref
from nohaven.governance.meetings import service as meetings
from nohaven.governance.motions import service as voting
from nohaven.governance.motions.models import Motion, Participation
from nohaven.governance.progress import service as progress
from nohaven.governance.statements import service as statements
from nohaven.governance.statements.models import Statement, StatementSignatory
from nohaven.kit.clock import utcnow
from nohaven.members import demo as members_demo
from nohaven.members.models import Organisation
from tests.factories import Factory

TABLES = [
    t
    for t in Base.metadata.sorted_tables
    if t.name
    in {
        "standing_orders",
        "governance_alliance_members",
        "governance_initiatives",
        "meetings",
        "meeting_attendance",
        "meeting_decisions",
        "action_items",
        "statements",
        "statement_versions",
        "statement_signatories",
        "motions",
        "mission_statements",
        "commitments",
        "mission_signatures",
        "progress_reports",
        "case_studies",
    }
]


def _counts(db: Session) -> dict[str, int]:
    return {t.name: db.scalar(select(func.count()).select_from(t)) or 0 for t in TABLES}


def test_demo_loads_once(db: Session, settings: Settings) -> None:
    members_demo.load(db, settings=settings)
    demo.load(db)
    first = _counts(db)
    assert all(first.values()), first
    demo.load(db)
    assert _counts(db) == first


def test_done_when(db: Session, factory: Factory, client: TestClient, settings: Settings) -> None:
    members_demo.load(db, settings=settings)
    demo.load(db)
    gtf = body_by_ref(db, "global-taskforce")
    # The cadence proposes the next two meetings after the scheduled one.
    proposed = meetings.proposed_dates(db, body=gtf)
    assert len(proposed) == 2
    assert proposed[0] > utcnow().date()
    # The open motion adopts the draft statement once a majority of members vote for it.
    motion = db.scalar(select(Motion).where(Motion.body_id == gtf.id, Motion.closed_at.is_(None)))
    assert motion is not None
    draft = db.scalar(select(Statement).where(Statement.motion_id == motion.id))
    assert draft is not None
    # The demo's three delegate accounts carry it: other members have voted already, so
    # their votes reach the quorum.
    early = set(
        db.scalars(
            select(Participation.organisation_id).where(Participation.motion_id == motion.id)
        )
    )
    for email in (
        "delegate@ec.demo.nohaven.test",
        "delegate@uk.demo.nohaven.test",
        "delegate@au.demo.nohaven.test",
    ):
        user = accounts.find_user(db, email=email)
        assert user is not None
        voting.cast_vote(
            db, actor=auth_service.actor_for(db, user), motion_id=motion.id, option="yes"
        )
    secretariat = factory.actor(
        factory.user(
            db.scalar(select(Organisation).where(Organisation.short_name == "WPGA Secretariat")),
            roles=("secretariat_admin",),
        )
    )
    closed = flows.close_motion(db, actor=secretariat, motion_id=motion.id)
    assert closed.outcome == "carried"
    assert closed.quorum_met
    assert closed.turnout == len(early) + 3
    statement = db.get(Statement, draft.id)
    assert statement is not None
    assert statement.status == "adopted"
    statements.publish(db, actor=secretariat, statement_id=statement.id)
    # its signatories are the members that voted for it, not every voting member
    signed = db.scalar(
        select(func.count())
        .select_from(StatementSignatory)
        .where(StatementSignatory.statement_id == statement.id)
    )
    assert signed == closed.tally["yes"] < closed.eligible
    page = client.get("/public/bodies/global-taskforce")
    assert "Statement on safety by design" in page.text
    feed = client.get("/public/bodies/global-taskforce/statements.atom")
    assert "Statement on safety by design" in feed.text
    # Members' progress against the commitments shows on the dashboard.
    board = progress.dashboard(db, actor=secretariat, body_id=gtf.id)
    assert len(board.commitments) == 5
    assert board.counts(1)["achieved"] == 1
    assert len(board.signatories) >= 4
