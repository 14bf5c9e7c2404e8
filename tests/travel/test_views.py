"""The travel pages: sending with itinerary rows, the receiver's acknowledgement and response,
the sender's receipts, amendment, withdrawal and complaints; form errors re-render with 4xx."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from nohaven.kit.clock import utcnow
from nohaven.members.models import User
from nohaven.travel import service
from nohaven.travel.models import TravelNotification
from tests.factories import Factory, csrf_from, web_login
from tests.travel.conftest import LATE_HOURS, PASSPORT, SUBJECT_NAME, World


def _login(client: TestClient, factory: Factory, user: User) -> None:
    """Log in afresh; the same TOTP step may be used again by a test (not by a real user)."""
    client.cookies.clear()
    factory.session.execute(update(User).where(User.id == user.id).values(totp_last_step=None))
    web_login(client, user)


def _enrolled(factory: Factory, org: Any, roles: tuple[str, ...] = ("analyst",)) -> User:
    return factory.user(org, roles=roles, totp=True)


def _form(**overrides: str) -> dict[str, str]:
    start = utcnow() + timedelta(days=6)
    values = {
        "name": SUBJECT_NAME,
        "date_of_birth": "1971-02-03",
        "nationality": "GB",
        "passport_number": PASSPORT,
        "conviction_summary": "Convicted of contact offences (synthetic).",
        "risk_tier": "medium",
        "leg1_country": "AU",
        "leg1_date": start.date().isoformat(),
        "leg1_time": "09:30",
        "leg1_leaves": (start + timedelta(days=9)).date().isoformat(),
        "leg1_carrier": "Example Air",
        "leg1_flight": "EX12",
    }
    values.update(overrides)
    return values


def _post(client: TestClient, url: str, page_url: str, data: dict[str, str]) -> Any:
    token = csrf_from(client.get(page_url).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def test_send_acknowledge_respond_amend_withdraw(
    world: World, db: Session, client: TestClient
) -> None:
    f = world.factory
    sender = _enrolled(f, world.sender_org)
    receiver = _enrolled(f, world.receiver_org)
    _login(client, f, sender)
    page = client.get("/travel")
    assert page.status_code == 200
    assert "Travel notifications" in page.text
    assert "Test Federal Police" in page.text  # points of contact are listed

    sent = _post(client, "/travel/new", "/travel/new", _form())
    assert sent.status_code == 303, sent.text
    nid = sent.headers["location"].split("/")[2].split("?")[0]
    detail = client.get(f"/travel/{nid}")
    assert SUBJECT_NAME in detail.text
    assert "diffusion" in detail.text
    assert "Read receipts" in detail.text

    _login(client, f, receiver)
    assert nid in client.get("/travel").text
    page = client.get(f"/travel/{nid}")
    assert "Not acknowledged yet" in page.text
    assert "Read receipts" not in page.text
    acked = _post(client, f"/travel/{nid}/acknowledge", f"/travel/{nid}", {})
    assert acked.status_code == 303
    bad = _post(client, f"/travel/{nid}/respond", f"/travel/{nid}", {"response": "other"})
    assert bad.status_code == 422
    assert "describe the response" in bad.text
    answered = _post(
        client,
        f"/travel/{nid}/respond",
        f"/travel/{nid}",
        {"response": "monitored", "note": "Met on arrival"},
    )
    assert answered.status_code == 303
    assert "Met on arrival" in client.get(f"/travel/{nid}").text
    complaint = _post(
        client,
        f"/travel/{nid}/complaints",
        f"/travel/{nid}",
        {"source": "subject_representative", "grounds": "Namesake, different passport"},
    )
    assert complaint.status_code == 303

    _login(client, f, sender)
    page = client.get(f"/travel/{nid}")
    assert receiver.email in page.text  # read receipt
    assert "monitored" in page.text
    assert "Namesake, different passport" in page.text
    amend_page = client.get(f"/travel/{nid}/amend")
    assert amend_page.status_code == 200
    assert PASSPORT in amend_page.text
    unchanged = _post(
        client,
        f"/travel/{nid}/amend",
        f"/travel/{nid}/amend",
        {**_form(), "reason": "no change", "leg1_date": _leg_date(db, nid)},
    )
    assert unchanged.status_code == 422
    assert "Nothing changed" in unchanged.text
    amended = _post(
        client,
        f"/travel/{nid}/amend",
        f"/travel/{nid}/amend",
        {
            **_form(),
            "reason": "Flight changed",
            "leg1_date": _leg_date(db, nid),
            "leg1_flight": "EX99",
        },
    )
    assert amended.status_code == 303, amended.text
    page = client.get(f"/travel/{nid}")
    assert "version 2" in page.text
    withdrawn = _post(
        client, f"/travel/{nid}/withdraw", f"/travel/{nid}", {"reason": "Trip cancelled"}
    )
    assert withdrawn.status_code == 303

    _login(client, f, receiver)
    page = client.get(f"/travel/{nid}")
    assert "withdrawn" in page.text
    assert "EX12" in page.text  # before
    assert "EX99" in page.text  # after
    assert "Trip cancelled" in page.text


def _leg_date(db: Session, nid: str) -> str:
    found = db.get(TravelNotification, nid)
    assert found is not None
    return found.departs_on.isoformat()


def test_form_errors_re_render_with_4xx(world: World, client: TestClient) -> None:
    sender = _enrolled(world.factory, world.sender_org)
    _login(client, world.factory, sender)
    missing = _post(client, "/travel/new", "/travel/new", _form(leg1_country="FR"))
    assert missing.status_code == 422
    assert "No receiving agency is designated for FR" in missing.text
    assert SUBJECT_NAME in missing.text  # the form keeps what was typed
    no_legs = _post(client, "/travel/new", "/travel/new", _form(leg1_country=""))
    assert no_legs.status_code == 422
    bad_passport = _post(client, "/travel/new", "/travel/new", _form(passport_number="!"))
    assert bad_passport.status_code == 422
    assert "passport" in bad_passport.text
    bad_date = _post(client, "/travel/new", "/travel/new", _form(leg1_date="someday"))
    assert bad_date.status_code == 422
    past = _post(client, "/travel/new", "/travel/new", _form(leg1_date="2020-01-01"))
    assert past.status_code == 422
    assert "in the past" in past.text


def test_third_agency_gets_404_page(world: World, db: Session, client: TestClient) -> None:
    from nohaven.travel.schemas import NotificationCreate
    from tests.travel.conftest import payload

    n, _ = service.create_notification(
        db,
        actor=world.actor(world.sender),
        data=NotificationCreate.model_validate(payload()),
        late_hours=LATE_HOURS,
    )
    third = _enrolled(world.factory, world.third_org)
    _login(client, world.factory, third)
    assert n.id not in client.get("/travel").text
    page = client.get(f"/travel/{n.id}")
    assert page.status_code == 404
    assert SUBJECT_NAME not in page.text
    ack = _post(client, f"/travel/{n.id}/acknowledge", "/travel", {})
    assert ack.status_code == 404
    assert client.get(f"/travel/{n.id}/amend").status_code == 404


def test_secretariat_manages_points_of_contact(world: World, client: TestClient) -> None:
    _login(client, world.factory, world.secretariat)
    page = client.get("/travel")
    assert "Designate a point of contact" in page.text
    bad = _post(
        client,
        "/travel/points-of-contact",
        "/travel",
        {"country": "KE", "organisation_id": world.government_org.id},
    )
    assert bad.status_code == 422
    assert "law-enforcement" in bad.text
    ok = _post(
        client,
        "/travel/points-of-contact",
        "/travel",
        {"country": "KE", "organisation_id": world.third_org.id},
    )
    assert ok.status_code == 303
    assert "Point of contact for Kenya set." in client.get(ok.headers["location"]).text
    asked = _post(client, "/travel/points-of-contact/KE/remove", "/travel", {})
    assert asked.status_code == 200  # asked first, without script
    assert "Remove the point of contact for Kenya?" in asked.text
    removed = _post(client, "/travel/points-of-contact/KE/remove", "/travel", {"confirmed": "yes"})
    after = client.get(removed.headers["location"]).text
    assert "Point of contact for Kenya removed." in after
    assert "Undo: restore it" in after
    restored = _post(
        client,
        "/travel/points-of-contact",
        "/travel",
        {"country": "KE", "organisation_id": world.third_org.id},
    )
    assert "Point of contact for Kenya set." in client.get(restored.headers["location"]).text


def test_sent_and_received_tables_page_and_sort_apart(
    world: World, db: Session, client: TestClient
) -> None:
    _login(client, world.factory, _enrolled(world.factory, world.sender_org))
    page = client.get("/travel")
    assert page.status_code == 200
    assert 'href="/travel?r_sort=from&amp;r_desc=0"' in page.text  # each table its own sort
    assert 'href="/travel?s_sort=risk&amp;s_desc=0"' in page.text
    sorted_sent = client.get("/travel?s_sort=risk&s_desc=1&destination=KE")
    assert sorted_sent.status_code == 200
    # Sorting one table keeps the page's filter and leaves the other table's sort alone.
    assert "destination=KE" in sorted_sent.text
    assert 'aria-sort="descending"' in sorted_sent.text
    for bad in ("r_sort=subject", "s_page=0", "r_per_page=1000", "s_desc=2"):
        assert client.get(f"/travel?{bad}").status_code == 400, bad
