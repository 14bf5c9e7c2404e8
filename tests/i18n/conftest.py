"""A body with a published statement, for the pages every visitor reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from nohaven.governance import flows
from nohaven.governance.motions import service as voting
from nohaven.governance.statements import service as statements
from nohaven.governance.statements.models import Statement
from nohaven.kit.clock import utcnow
from tests.governance.conftest import Seats, seats

__all__ = ["published", "seats"]


@pytest.fixture
def published(db: Session, seats: Seats) -> Statement:
    statement = statements.create_statement(
        db, actor=seats.actor("a"), body_id=seats.body.id, title="Joint text", text="Draft"
    )
    motion = flows.table_motion(
        db,
        actor=seats.actor("chair"),
        body_id=seats.body.id,
        title="Adopt the joint text",
        closes_at=utcnow() + timedelta(days=1),
        statement_id=statement.id,
    )
    for who in ("chair", "a", "b"):
        voting.cast_vote(db, actor=seats.actor(who), motion_id=motion.id, option="yes")
    flows.close_motion(db, actor=seats.actor("chair"), motion_id=motion.id)
    statements.publish(db, actor=seats.actor("chair"), statement_id=statement.id)
    return statement
