"""The demo's operations: one joint operation followed from proposal to published results,
seen as its lead, as a participant, as an outsider of the same body (the code name the lead
allowed) and as another body's member (nothing); loading twice changes nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from nohaven.audit.models import AuditEntry
from nohaven.auth import service as auth_service
from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.demo import load_demo
from nohaven.errors import NotFound
from nohaven.governance.statements import service as statements
from nohaven.members.models import User
from nohaven.operations import demo, flows, present, referrals, results, service
from nohaven.operations.models import Activity, Referral


def _as(db: Session, email: str) -> Actor:
    user = db.execute(
        select(User).where(User.email == email).options(joinedload(User.organisation))
    ).scalar_one()
    return auth_service.actor_for(db, user)


def test_the_demo_operation_from_proposal_to_published_results(
    db: Session, settings: Settings, client: TestClient
) -> None:
    load_demo(db, settings=settings)
    count = db.scalar(select(func.count()).select_from(Activity))
    entries = db.scalar(select(func.count()).select_from(AuditEntry))
    load_demo(db, settings=settings)
    assert db.scalar(select(func.count()).select_from(Activity)) == count == 3
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == entries

    lead, nca = _as(db, demo.AFP), _as(db, demo.NCA)
    outsider = _as(db, "observer@ecpat.demo.nohaven.test")  # an affiliate of the VGT
    elsewhere = _as(db, "delegate@uk.demo.nohaven.test")  # the Global Taskforce

    shown = present.detail(db, actor=lead, activity_id=demo.HARBOUR_LIGHT)
    assert shown.phase == "closed"
    assert {p.status for p in shown.participants} == {"accepted"}
    assert len(shown.participants) == 3
    totals = results.summary(db, actor=nca, activity_id=demo.HARBOUR_LIGHT).totals
    assert totals.arrests == 18
    # The NCA sent one referral and received one.
    theirs = referrals.list_referrals(
        db, actor=nca, activity=service.visible(db, actor=nca, activity_id=demo.HARBOUR_LIGHT)
    )
    assert len(theirs) == 2
    # The lead did not send or receive the HSI -> NCA referral: it does not exist for the lead.
    hsi_to_nca = db.scalars(
        select(Referral).where(Referral.receiver_organisation_id == nca.organisation_id)
    ).one()
    try:
        referrals.read(db, actor=lead, activity_id=demo.HARBOUR_LIGHT, referral_id=hsi_to_nca.id)
        raise AssertionError("the lead read another pair's referral")
    except NotFound:
        pass

    # The statement went through the body's workflow and is public, with totals only.
    state = flows.statement_state(db, statement_id=shown.statement_id)
    assert state is not None
    assert state.status == "published"
    assert state.slug is not None
    published = statements.published_statement(db, slug=state.slug)
    assert "- Arrests: 18" in published.text
    assert "Demo Person Alpha" not in published.text
    page = client.get(f"/public/statements/{state.slug}")
    assert page.status_code == 200
    programme = client.get("/public/bodies/vgt/programme")
    assert "Operation Harbour Light" in programme.text
    assert state.slug in programme.text
    assert "Northern Lantern" not in programme.text

    # An outsider of the same body: the code name the lead allowed, nothing more.
    lines = service.programme(db, actor=outsider)
    assert {(x.activity.code_name, x.full) for x in lines} == {
        ("Harbour Light", False),
        ("Think before you share", True),  # a TLP:GREEN campaign, for the whole body
    }
    for activity_id in (demo.HARBOUR_LIGHT, demo.NORTHERN_LANTERN):
        with pytest.raises(NotFound):
            service.visible(db, actor=outsider, activity_id=activity_id)
    # Another body: nothing at all.
    assert service.programme(db, actor=elsewhere) == []

    # The operation in planning waits for US HSI's answer.
    hsi = _as(db, demo.HSI)
    lantern = service.visible(db, actor=hsi, activity_id=demo.NORTHERN_LANTERN)
    assert hsi.organisation_id in lantern.invited_organisation_ids
