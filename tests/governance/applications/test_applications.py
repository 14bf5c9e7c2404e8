"""Eligibility, review, the members' vote, admission or refusal."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.errors import Conflict, Forbidden, InvalidInput
from nohaven.governance import flows
from nohaven.governance.applications import service
from nohaven.governance.bodies import service as bodies
from nohaven.governance.motions import service as voting
from nohaven.kit.clock import utcnow
from nohaven.members.models import OrganisationKind
from tests.factories import Factory, csrf_from, web_login
from tests.governance.conftest import Seats


def _vgt_rules(db: Session, seats: Seats) -> None:
    bodies.update_standing_orders(
        db, actor=seats.actor("admin"), body_id=seats.body.id, eligible_kinds=["law_enforcement"]
    )


def test_eligibility_by_kind(db: Session, seats: Seats, factory: Factory) -> None:
    _vgt_rules(db, seats)
    ngo = factory.organisation("Child NGO", kind=OrganisationKind.NGO)
    police = factory.organisation("Metro Police", kind=OrganisationKind.LAW_ENFORCEMENT)
    ngo_actor = factory.actor(factory.user(ngo, roles=("delegate",)))
    police_actor = factory.actor(factory.user(police, roles=("delegate",)))
    with pytest.raises(InvalidInput, match="law enforcement"):
        service.apply(db, actor=ngo_actor, body_id=seats.body.id, letter="Please")
    application = service.apply(db, actor=police_actor, body_id=seats.body.id, letter="We apply")
    assert application.status == "submitted"
    with pytest.raises(InvalidInput, match="under way"):
        service.apply(db, actor=police_actor, body_id=seats.body.id, letter="Again")
    with pytest.raises(InvalidInput, match="already holds a seat"):
        service.apply(db, actor=seats.actor("a"), body_id=seats.body.id, letter="")
    analyst = factory.actor(factory.user(police, roles=("analyst",)))
    with pytest.raises(Forbidden):
        service.apply(db, actor=analyst, body_id=seats.body.id, letter="")


def test_eligibility_needs_alliance_membership(db: Session, seats: Seats, factory: Factory) -> None:
    bodies.update_standing_orders(
        db,
        actor=seats.actor("admin"),
        body_id=seats.body.id,
        eligible_kinds=["government"],
        requires_alliance_membership=True,
    )
    gov = factory.organisation("Government of Testland", kind=OrganisationKind.GOVERNMENT)
    actor = factory.actor(factory.user(gov, roles=("delegate",)))
    with pytest.raises(InvalidInput, match="WeProtect"):
        service.apply(db, actor=actor, body_id=seats.body.id, letter="")
    with pytest.raises(Forbidden):
        service.register_alliance_member(db, actor=seats.actor("chair"), organisation_id=gov.id)
    service.register_alliance_member(db, actor=seats.actor("admin"), organisation_id=gov.id)
    assert service.apply(db, actor=actor, body_id=seats.body.id, letter="").status == "submitted"


def test_vote_admits_through_the_members_service(
    db: Session, seats: Seats, factory: Factory
) -> None:
    police = factory.organisation("Harbour Police", kind=OrganisationKind.LAW_ENFORCEMENT)
    applicant = factory.actor(factory.user(police, roles=("delegate",)))
    application = service.apply(db, actor=applicant, body_id=seats.body.id, letter="")
    with pytest.raises(Forbidden):
        service.put_to_vote(db, actor=seats.actor("a"), application_id=application.id)
    motion = service.put_to_vote(db, actor=seats.actor("chair"), application_id=application.id)
    assert application.status == "voting"
    for who in ("chair", "a", "b"):
        voting.cast_vote(db, actor=seats.actor(who), motion_id=motion.id, option="yes")
    flows.close_motion(db, actor=seats.actor("chair"), motion_id=motion.id)
    assert application.status == "admitted"
    seats_now = bodies.seats(db, seats.body.id, on=utcnow().date())
    assert any(m.organisation_id == police.id and m.role == "member" for m in seats_now)


def test_failed_vote_and_review_refusal_give_reasons(
    db: Session, seats: Seats, factory: Factory
) -> None:
    first = factory.organisation("Port Police", kind=OrganisationKind.LAW_ENFORCEMENT)
    second = factory.organisation("Rail Police", kind=OrganisationKind.LAW_ENFORCEMENT)
    a1 = service.apply(
        db,
        actor=factory.actor(factory.user(first, roles=("delegate",))),
        body_id=seats.body.id,
        letter="",
    )
    a2 = service.apply(
        db,
        actor=factory.actor(factory.user(second, roles=("delegate",))),
        body_id=seats.body.id,
        letter="",
    )
    motion = service.put_to_vote(db, actor=seats.actor("chair"), application_id=a1.id)
    voting.cast_vote(db, actor=seats.actor("a"), motion_id=motion.id, option="no")
    voting.cast_vote(db, actor=seats.actor("b"), motion_id=motion.id, option="no")
    flows.close_motion(db, actor=seats.actor("chair"), motion_id=motion.id)
    assert a1.status == "refused"
    assert "did not carry" in a1.reasons
    with pytest.raises(InvalidInput):
        service.refuse(db, actor=seats.actor("chair"), application_id=a2.id, reasons="  ")
    service.refuse(
        db, actor=seats.actor("chair"), application_id=a2.id, reasons="Not an investigative agency."
    )
    assert (a2.status, a2.reasons) == ("refused", "Not an investigative agency.")
    with pytest.raises(Conflict):
        service.put_to_vote(db, actor=seats.actor("chair"), application_id=a2.id)


def test_application_pages(client: TestClient, db: Session, seats: Seats, factory: Factory) -> None:
    gov = factory.organisation("Government of Pageland", kind=OrganisationKind.GOVERNMENT)
    user = factory.user(gov, roles=("delegate",))
    web_login(client, user)
    page = client.get("/applications")
    assert "your organisation may apply" in page.text
    created = client.post(
        "/applications",
        data={"csrf_token": csrf_from(page.text), "body_id": seats.body.id, "letter": "Hello"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    shown = client.get(created.headers["location"])
    assert "submitted" in shown.text
    again = client.post(
        "/applications", data={"csrf_token": csrf_from(page.text), "body_id": seats.body.id}
    )
    assert again.status_code == 422
