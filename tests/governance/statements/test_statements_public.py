"""Statements adopted by a motion and published; the public page, feed and contact form."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.config import get_settings
from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.governance import flows
from nohaven.governance.motions import service as voting
from nohaven.governance.public import service as public
from nohaven.governance.public.models import ContactAttempt, ContactMessage
from nohaven.governance.statements import service
from nohaven.governance.statements.models import Statement
from nohaven.kit.clock import utcnow
from nohaven.notifications.models import Notice
from tests.factories import csrf_from, web_login
from tests.governance.conftest import Seats

TEXT = "Members call on providers to keep detecting known abuse material.\n\nSecond paragraph."


def _adopted(
    db: Session, seats: Seats, votes: dict[str, str] | None = None, *, secret: bool = False
) -> Statement:
    statement = service.create_statement(
        db, actor=seats.actor("a"), body_id=seats.body.id, title="On encryption & AI", text="Draft"
    )
    service.revise(db, actor=seats.actor("b"), statement_id=statement.id, text=TEXT)
    service.comment(db, actor=seats.actor("chair"), statement_id=statement.id, text="Agreed.")
    motion = flows.table_motion(
        db,
        actor=seats.actor("chair"),
        body_id=seats.body.id,
        title="Adopt the statement on encryption",
        closes_at=utcnow() + timedelta(days=1),
        statement_id=statement.id,
        secret=secret,
    )
    for who, option in (votes or {"chair": "yes", "a": "yes", "b": "yes"}).items():
        voting.cast_vote(db, actor=seats.actor(who), motion_id=motion.id, option=option)
    flows.close_motion(db, actor=seats.actor("chair"), motion_id=motion.id)
    return statement


def test_signatories_are_the_members_that_voted_for_it(db: Session, seats: Seats) -> None:
    statement = _adopted(db, seats, {"chair": "yes", "a": "yes", "b": "no"})
    service.publish(db, actor=seats.actor("chair"), statement_id=statement.id)
    [item] = service.published_statements(db, body_id=seats.body.id)
    assert [o.name for o in item.signatories] == ["Chair Agency", "Member A"]


def test_a_secret_ballot_names_its_signatories_when_published(db: Session, seats: Seats) -> None:
    statement = _adopted(db, seats, {"chair": "yes", "a": "yes"}, secret=True)
    with pytest.raises(InvalidInput, match="secret"):
        service.publish(db, actor=seats.actor("chair"), statement_id=statement.id)
    service.publish(
        db,
        actor=seats.actor("chair"),
        statement_id=statement.id,
        signatory_ids=[seats.actor("b").organisation_id or ""],
    )
    [item] = service.published_statements(db, body_id=seats.body.id)
    assert [o.name for o in item.signatories] == ["Member B"]


def test_statement_adopted_by_motion_then_published(db: Session, seats: Seats) -> None:
    statement = _adopted(db, seats)
    assert (statement.status, statement.adopted_version) == ("adopted", 2)
    with pytest.raises(Conflict):
        service.revise(db, actor=seats.actor("a"), statement_id=statement.id, text="Late edit")
    with pytest.raises(Forbidden):
        service.publish(db, actor=seats.actor("a"), statement_id=statement.id)
    with pytest.raises(InvalidInput):
        service.publish(
            db,
            actor=seats.actor("chair"),
            statement_id=statement.id,
            signatory_ids=[seats.observer.id],
        )
    service.publish(db, actor=seats.actor("chair"), statement_id=statement.id)
    [item] = service.published_statements(db, body_id=seats.body.id)
    assert item.text == TEXT
    assert [o.name for o in item.signatories] == ["Chair Agency", "Member A", "Member B"]


def test_rejected_motion_leaves_statement_draft(db: Session, seats: Seats) -> None:
    statement = service.create_statement(
        db, actor=seats.actor("a"), body_id=seats.body.id, title="Contested", text="Text"
    )
    motion = flows.table_motion(
        db,
        actor=seats.actor("chair"),
        body_id=seats.body.id,
        title="Adopt",
        closes_at=utcnow() + timedelta(days=1),
        statement_id=statement.id,
    )
    voting.cast_vote(db, actor=seats.actor("a"), motion_id=motion.id, option="no")
    voting.cast_vote(db, actor=seats.actor("b"), motion_id=motion.id, option="no")
    flows.close_motion(db, actor=seats.actor("chair"), motion_id=motion.id)
    assert statement.status == "draft"
    with pytest.raises(Conflict):
        service.publish(db, actor=seats.actor("chair"), statement_id=statement.id)
    for who in ("observer", "outsider"):
        with pytest.raises(Forbidden):
            service.create_statement(
                db, actor=seats.actor(who), body_id=seats.body.id, title="X", text="Y"
            )


def test_public_page_and_feed_without_an_account(
    client: TestClient, db: Session, seats: Seats
) -> None:
    statement = _adopted(db, seats)
    draft = service.create_statement(
        db, actor=seats.actor("a"), body_id=seats.body.id, title="Secret draft", text="Not yet"
    )
    service.publish(db, actor=seats.actor("chair"), statement_id=statement.id)
    page = client.get(f"/public/bodies/{seats.body.slug}")
    assert page.status_code == 200
    assert "On encryption &amp; AI" in page.text
    assert "Secret draft" not in page.text
    assert "Chair Agency" in page.text
    assert "not a service for reporting a child at risk" in page.text
    shown = client.get(f"/public/statements/{statement.slug}")
    assert "Second paragraph." in shown.text
    assert "Member B" in shown.text
    assert client.get(f"/public/statements/{draft.slug}").status_code == 404
    feed = client.get(f"/public/bodies/{seats.body.slug}/statements.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)  # noqa: S314 - our own output
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.text for e in root.findall("a:entry/a:title", ns)]
    assert titles == ["On encryption & AI"]
    assert root.find("a:updated", ns) is not None
    everything = client.get("/public/statements.atom")
    assert b"On encryption &amp; AI" in everything.content
    api = client.get(f"/api/v1/public/statements?body={seats.body.slug}")
    assert api.json()[0]["signatories"] == ["Chair Agency", "Member A", "Member B"]


def _secret() -> str:
    return get_settings().secret_key.get_secret_value()


def _old_token() -> str:
    return public.form_token(
        get_settings().secret_key.get_secret_value(), issued_at=utcnow().timestamp() - 30
    )


def _contact(client: TestClient, slug: str, **overrides: str) -> object:
    page = client.get(f"/public/bodies/{slug}/contact")
    data = {
        "csrf_token": csrf_from(page.text),
        "form_token": _old_token(),
        "website": "",
        "name": "A. Parent",
        "email": "parent@example.org",
        "subject": "Speaking at your meeting",
        "message": "Could a parents' group present at the next meeting?",
        **overrides,
    }
    return client.post(f"/public/bodies/{slug}/contact", data=data)


def test_contact_form_reaches_the_secretariat(
    client: TestClient, db: Session, seats: Seats
) -> None:
    page = client.get(f"/public/bodies/{seats.body.slug}/contact")
    assert "not a service for reporting a child at risk" in page.text
    assert "inhope.org" in page.text
    response = _contact(client, seats.body.slug)
    assert "reached the secretariat" in response.text  # type: ignore[attr-defined]
    notice = db.scalar(select(Notice).where(Notice.organisation_id == seats.secretariat.id))
    assert notice is not None
    assert "parent@example.org" not in notice.title + notice.body
    row = db.scalar(select(ContactMessage).where(ContactMessage.body_id == seats.body.id))
    assert row is not None
    assert notice.link == f"/contact-messages/{row.id}"
    # Only the secretariat reads it.
    read = public.read_contact_message(db, actor=seats.actor("secretariat"), message_id=row.id)
    assert read.email == "parent@example.org"
    with pytest.raises(NotFound):
        public.read_contact_message(db, actor=seats.actor("chair"), message_id=row.id)


def test_contact_form_spam_defences(client: TestClient, db: Session, seats: Seats) -> None:
    slug = seats.body.slug
    # Honeypot: thanked, but nothing delivered.
    caught = _contact(client, slug, website="http://spam.example.org")
    assert "reached the secretariat" in caught.text  # type: ignore[attr-defined]
    assert db.scalar(select(ContactMessage).where(ContactMessage.body_id == seats.body.id)) is None
    # Too fast: the signed timestamp says the form was open for no time at all.
    fast = _contact(client, slug, form_token=public.form_token(_secret()))
    assert fast.status_code == 422  # type: ignore[attr-defined]
    forged = _contact(client, slug, form_token="forged")
    assert forged.status_code == 422  # type: ignore[attr-defined]
    missing = _contact(client, slug, email="")
    assert missing.status_code == 422  # type: ignore[attr-defined]
    # Per-address limit, kept in the database: five attempts an hour, then 429.
    assert db.scalar(select(ContactAttempt).limit(1)) is not None
    fifth = _contact(client, slug)
    assert fifth.status_code == 200  # type: ignore[attr-defined]
    over = _contact(client, slug)
    assert over.status_code == 429  # type: ignore[attr-defined]
    assert "Too many messages" in over.text  # type: ignore[attr-defined]


def test_contact_form_needs_csrf(client: TestClient, seats: Seats) -> None:
    response = client.post(
        f"/public/bodies/{seats.body.slug}/contact", data={"form_token": _old_token()}
    )
    assert response.status_code == 403


def test_statement_pages(client: TestClient, db: Session, seats: Seats) -> None:
    web_login(client, seats.users["a"])
    page = client.get("/statements")
    created = client.post(
        "/statements",
        data={
            "csrf_token": csrf_from(page.text),
            "body_id": seats.body.id,
            "title": "On sextortion",
            "text": "First draft.",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    url = created.headers["location"]
    revised = client.post(
        url + "/versions", data={"csrf_token": csrf_from(page.text), "text": "Second draft."}
    )
    assert "Version 2" in revised.text
    commented = client.post(
        url + "/comments", data={"csrf_token": csrf_from(page.text), "text": "Add a helpline."}
    )
    assert "Add a helpline." in commented.text
    empty = client.post(url + "/comments", data={"csrf_token": csrf_from(page.text), "text": " "})
    assert empty.status_code == 422
    early = client.post(url + "/publish", data={"csrf_token": csrf_from(page.text)})
    assert early.status_code == 403  # a member does not publish; officers do, once adopted


def test_contact_messages_api_is_for_the_secretariat(
    client: TestClient, db: Session, seats: Seats
) -> None:
    from tests.governance.conftest import api_headers

    secretariat = api_headers(seats.factory, seats.users["secretariat"])
    chair = api_headers(seats.factory, seats.users["chair"])
    _contact(client, seats.body.slug)
    listed = client.get(
        f"/api/v1/governance/bodies/{seats.body.slug}/contact-messages", headers=secretariat
    )
    assert [m["email"] for m in listed.json()] == ["parent@example.org"]
    denied = client.get(
        f"/api/v1/governance/bodies/{seats.body.slug}/contact-messages", headers=chair
    )
    assert denied.status_code == 403
