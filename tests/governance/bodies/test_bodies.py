"""A body's officers (the chair handed over in one action), its standing orders and its
registered initiatives."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.errors import Forbidden, InvalidInput
from nohaven.governance.bodies import service as bodies
from nohaven.kit.clock import utcnow
from nohaven.members.models import MembershipRole, OrganisationKind
from tests.factories import Factory, csrf_from, web_login
from tests.governance.conftest import Seats, api_headers


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


def test_rules_form_and_initiatives_api(
    client: TestClient, db: Session, seats: Seats, factory: Factory
) -> None:
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
