"""Eligibility, review, the members' vote, admission or refusal; handing over the chair."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.errors import Conflict, Forbidden, InvalidInput
from nohaven.governance import flows
from nohaven.governance.applications import service
from nohaven.governance.bodies import service as bodies
from nohaven.governance.motions import service as voting
from nohaven.kit.clock import utcnow
from nohaven.members.models import MembershipRole, OrganisationKind
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


def test_hand_over_the_chair_in_one_action(db: Session, seats: Seats) -> None:
    day = utcnow().date()
    with pytest.raises(Forbidden):
        bodies.hand_over(
            db, actor=seats.actor("chair"), body_id=seats.body.id, to_organisation_id=seats.a.id
        )
    with pytest.raises(InvalidInput):
        bodies.hand_over(
            db,
            actor=seats.actor("admin"),
            body_id=seats.body.id,
            to_organisation_id=seats.observer.id,
        )
    bodies.hand_over(
        db, actor=seats.actor("admin"), body_id=seats.body.id, to_organisation_id=seats.a.id, on=day
    )
    now = {m.organisation_id: m.role for m in bodies.seats(db, seats.body.id, on=day)}
    assert now[seats.a.id] == MembershipRole.CHAIR
    assert now[seats.chair.id] == MembershipRole.MEMBER  # the outgoing chair stays a member
    before = {
        m.organisation_id: m.role
        for m in bodies.seats(db, seats.body.id, on=day - timedelta(days=1))
    }
    assert before[seats.chair.id] == MembershipRole.CHAIR
    history = bodies.office_history(db, actor=seats.actor("admin"), body_id=seats.body.id)
    assert [(m.organisation_id, m.end_date) for m in history] == [
        (seats.a.id, None),
        (seats.chair.id, day),
    ]
    assert date(2020, 1, 1) == history[1].start_date


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


def test_rules_form_and_initiatives_api(
    client: TestClient, db: Session, seats: Seats, factory: Factory
) -> None:
    from tests.governance.conftest import api_headers

    g7 = factory.organisation("G7 Test Presidency", kind=OrganisationKind.INTERGOVERNMENTAL)
    admin_headers = api_headers(factory, seats.users["admin"])
    chair_headers = api_headers(factory, seats.users["chair"])
    refused = client.post(
        f"/api/v1/governance/bodies/{seats.body.slug}/initiatives",
        json={"organisation_id": g7.id},
        headers=chair_headers,
    )
    assert refused.status_code == 403
    made = client.post(
        f"/api/v1/governance/bodies/{seats.body.slug}/initiatives",
        json={"organisation_id": g7.id},
        headers=admin_headers,
    )
    assert made.status_code == 201
    listed = client.get(
        f"/api/v1/governance/bodies/{seats.body.slug}/initiatives", headers=chair_headers
    )
    assert [i["name"] for i in listed.json()] == ["G7 Test Presidency"]
    web_login(client, seats.users["admin"])
    page = client.get(f"/governance/bodies/{seats.body.slug}/officers")
    saved = client.post(
        f"/governance/bodies/{seats.body.slug}/settings",
        data={
            "csrf_token": csrf_from(page.text),
            "quorum_percent": "60",
            "majority": "two_thirds",
            "eligible_kinds": ["law_enforcement"],
        },
    )
    assert "Rules saved: they apply to motions tabled from now on" in saved.text
    assert "Quorum 60 %" in saved.text
    bad = client.post(
        f"/governance/bodies/{seats.body.slug}/settings",
        data={"csrf_token": csrf_from(page.text), "quorum_percent": "60", "majority": "loudest"},
    )
    assert bad.status_code == 422
