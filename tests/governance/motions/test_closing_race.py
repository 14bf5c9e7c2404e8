"""Closing a motion exactly once: the close action and the close job racing on PostgreSQL.

Each closer works in its own transaction, as requests and job runs do; the motion's row lock
lets one record the result and carry it out, and the others find the motion closed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from nohaven import migrate
from nohaven.audit.models import AuditEntry
from nohaven.auth.actor import Actor
from nohaven.db import create_db_engine
from nohaven.errors import Conflict
from nohaven.governance import flows
from nohaven.governance.applications import service as applications
from nohaven.governance.motions import service as motions
from nohaven.governance.motions.models import Motion
from nohaven.kit.clock import utcnow
from nohaven.members.models import Membership, MembershipRole, OrganisationKind
from nohaven.notifications.models import Notice
from tests.conftest import postgres_database
from tests.factories import Factory


@pytest.fixture
def own_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time (BEGIN IMMEDIATE); the race is PostgreSQL's")
    engine = create_db_engine(postgres_database("closing_race"))
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    yield engine
    engine.dispose()


def _world(engine: Engine) -> tuple[str, str, Actor]:
    """A motion on an application, carried by all three members, past its time."""
    with Session(engine) as session:
        factory = Factory(session)
        body = factory.body("Racing Taskforce")
        members = [factory.organisation(f"Member {n}") for n in range(3)]
        factory.seat(body, members[0], MembershipRole.CHAIR)
        for org in members[1:]:
            factory.seat(body, org)
        delegates = [factory.actor(factory.user(org, roles=("delegate",))) for org in members]
        police = factory.organisation("Harbour Police", kind=OrganisationKind.LAW_ENFORCEMENT)
        applicant = factory.actor(factory.user(police, roles=("delegate",)))
        application = applications.apply(session, actor=applicant, body_id=body.id, letter="")
        motion = applications.put_to_vote(
            session, actor=delegates[0], application_id=application.id
        )
        for delegate in delegates:
            motions.cast_vote(session, actor=delegate, motion_id=motion.id, option="yes")
        motion.closes_at = utcnow() - timedelta(seconds=1)
        session.commit()
        return motion.id, police.id, delegates[0]


def test_racing_closers_close_a_motion_once(own_engine: Engine) -> None:
    motion_id, applicant_id, chair = _world(own_engine)
    closers = 6
    barrier = threading.Barrier(closers)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def close(n: int) -> None:
        try:
            with Session(own_engine) as session:
                barrier.wait(timeout=30)
                if n % 2:
                    closed = flows.close_due_motions(session, now=utcnow())
                    outcomes.append(f"job closed {closed}")
                else:
                    try:
                        flows.close_motion(session, actor=chair, motion_id=motion_id)
                        outcomes.append("action closed 1")
                    except Conflict:
                        outcomes.append("action found it closed")
                session.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=close, args=(n,)) for n in range(closers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(o.endswith("closed 1") for o in outcomes) == 1, outcomes
    with Session(own_engine) as session:
        motion = session.get(Motion, motion_id)
        assert motion is not None
        assert motion.outcome == "carried"

        def count(*where: object) -> int:
            return int(session.scalar(select(func.count()).select_from(AuditEntry).where(*where)))

        assert count(AuditEntry.action == "motion.close") == 1
        assert count(AuditEntry.action == "application.admit") == 1
        seats = session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.organisation_id == applicant_id)
        )
        assert seats == 1
        notices = session.scalars(
            select(Notice.title).where(Notice.organisation_id == applicant_id)
        ).all()
        assert len(notices) == 1
        assert "accepted" in notices[0]
