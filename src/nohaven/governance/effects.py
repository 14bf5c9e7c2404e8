"""What a closed motion sets in motion: adopting a statement, deciding an application."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.governance.models import (
    Motion,
    Outcome,
    Statement,
    StatementStatus,
    StatementVersion,
)

SYSTEM = "governance decisions"


def after_close(session: Session, motion: Motion) -> None:
    if motion.statement_id is not None:
        _decide_statement(session, motion)
    if motion.application_id is not None:
        from nohaven.governance import applications

        applications.decide_by_vote(session, motion=motion)


def _decide_statement(session: Session, motion: Motion) -> None:
    statement = session.get(Statement, motion.statement_id)
    if statement is None or statement.status != StatementStatus.DRAFT:
        return
    if motion.outcome != Outcome.CARRIED:
        return
    latest = session.scalar(
        select(func.max(StatementVersion.number)).where(
            StatementVersion.statement_id == statement.id
        )
    )
    statement.status = StatementStatus.ADOPTED
    statement.adopted_version = latest
    session.flush()
    audit.record(
        session,
        actor=Actor.system(SYSTEM),
        action="statement.adopt",
        resource_type="statement",
        resource_id=statement.id,
        summary={"motion_id": motion.id, "version": latest},
    )
