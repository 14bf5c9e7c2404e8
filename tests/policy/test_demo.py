"""The demo: the shipped framework and illustrative assessments, each approved by another
organisation, loaded idempotently; a shared maturity self-assessment."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.demo import load_demo
from nohaven.policy import gaps, maturity
from nohaven.policy.models import Assessment


def test_demo_is_illustrative_reviewed_by_another_organisation_and_idempotent(
    db: Session, settings: Settings
) -> None:
    load_demo(db, settings=settings)
    count = db.execute(select(func.count()).select_from(Assessment)).scalar_one()
    load_demo(db, settings=settings)
    assert db.execute(select(func.count()).select_from(Assessment)).scalar_one() == count
    rows = db.execute(select(Assessment)).scalars().all()
    assert rows
    assert all(a.illustrative and a.state == "approved" for a in rows)
    assert all(a.reviewer_organisation_id not in {None, a.organisation_id} for a in rows)
    system = Actor.system()
    now = gaps.safe_havens(db, actor=system, since=date(2024, 1, 1))
    assert now.analysis.illustrative
    assert now.countries
    assert now.resolved  # the demo's history shows change since an earlier date
    assert len(maturity.shared_with_body(db, actor=system, body="global-taskforce")) == 1
