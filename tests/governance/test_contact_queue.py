"""The secretariat's queue of contact messages: open and handled, filtered, a reply through
the outbox (sign-off for someone without an account), all audited; others see nothing."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit.models import AuditEntry
from nohaven.governance.public import service as public
from nohaven.governance.public.models import ContactMessage
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id
from nohaven.notifications import mail
from nohaven.notifications.models import OutboxMessage
from nohaven.settings_sections import MailSettings
from tests.factories import csrf_from, web_login
from tests.governance.conftest import Seats


def _message(db: Session, seats: Seats, subject: str) -> ContactMessage:
    row = ContactMessage(id=new_id(), body_id=seats.body.id)
    db.add(row)
    row.seal(
        db,
        name="A. Parent",
        email="parent@example.org",
        subject=subject,
        message="Could a parents' group present at the next meeting?",
    )
    db.flush()
    return row


def _actions(db: Session, message_id: str) -> list[str]:
    query = select(AuditEntry.action).where(AuditEntry.resource_id == message_id)
    return list(db.scalars(query.order_by(AuditEntry.id)))


def test_the_secretariat_works_through_the_queue(
    client: TestClient, db: Session, seats: Seats
) -> None:
    first = _message(db, seats, "Speaking at your meeting")
    second = _message(db, seats, "A question about membership")
    web_login(client, seats.users["secretariat"])
    assert 'href="/contact-messages"' in client.get("/").text  # in the navigation
    queue = client.get("/contact-messages")
    assert queue.status_code == 200
    assert "Speaking at your meeting" in queue.text
    assert "A question about membership" in queue.text
    assert 'aria-sort="descending"' in queue.text

    page = client.get(f"/contact-messages/{first.id}")
    assert "Open: nobody has handled it yet." in page.text
    token = csrf_from(page.text)
    handled = client.post(
        f"/contact-messages/{first.id}/handled", data={"handled": "true", "csrf_token": token}
    )
    assert "Marked as handled." in handled.text
    assert "Speaking at your meeting" not in handled.text  # the open queue, without it
    assert "Speaking at your meeting" in client.get("/contact-messages?state=handled").text
    assert "Speaking at your meeting" in client.get("/contact-messages?state=all").text
    reopened = client.post(
        f"/contact-messages/{first.id}/handled", data={"handled": "false", "csrf_token": token}
    )
    assert "back in the queue" in reopened.text
    db.refresh(first)
    assert first.handled_at is None

    empty = client.post(
        f"/contact-messages/{second.id}/reply", data={"text": "   ", "csrf_token": token}
    )
    assert empty.status_code == 422
    assert (
        db.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == "parent@example.org")
        ).first()
        is None
    )
    replied = client.post(
        f"/contact-messages/{second.id}/reply",
        data={"text": "Thank you: yes, write to us with a date.", "csrf_token": token},
    )
    assert "Reply queued for sending" in replied.text
    db.refresh(second)
    assert second.handled_at is not None
    assert second.replied_at is not None
    sent = db.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "parent@example.org")
    ).one()
    assert sent.subject == "Re: A question about membership"
    email = mail.build(sent, settings=MailSettings(from_address="alliance@example.org"))
    body = email.get_content()
    assert "Thank you: yes, write to us with a date." in body
    assert "public contact form" in body
    assert "because of your account" not in body
    assert _actions(db, first.id) == [
        "contact.read",
        "contact.handled",
        "contact.reopened",
        "contact.read",  # back on the message's page after opening it again
    ]
    assert "contact.reply" in _actions(db, second.id)
    reply_entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "contact.reply")).one()
    assert "write to us" not in reply_entry.summary  # its length, never its words


def test_others_do_not_see_the_queue(client: TestClient, db: Session, seats: Seats) -> None:
    row = _message(db, seats, "Private question")
    web_login(client, seats.users["chair"])
    assert 'href="/contact-messages"' not in client.get("/").text
    assert client.get("/contact-messages").status_code == 403
    assert client.get(f"/contact-messages/{row.id}").status_code == 404
    token = csrf_from(client.get("/").text)
    refused = client.post(
        f"/contact-messages/{row.id}/handled", data={"handled": "true", "csrf_token": token}
    )
    assert refused.status_code == 404
    assert client.get("/contact-messages?state=closed").status_code in (400, 403)


def test_messages_are_deleted_after_their_keeping_time(db: Session, seats: Seats) -> None:
    now = utcnow()
    handled_long_ago = _message(db, seats, "Handled long ago")
    handled_long_ago.handled_at = now - timedelta(days=200)
    never_handled = _message(db, seats, "Never handled")
    never_handled.created_at = now - timedelta(days=200)
    handled_lately = _message(db, seats, "Handled lately")
    handled_lately.created_at = now - timedelta(days=300)
    handled_lately.handled_at = now - timedelta(days=10)
    still_open = _message(db, seats, "Still open")
    db.flush()
    ids = [m.id for m in (handled_long_ago, never_handled, handled_lately, still_open)]
    assert public.purge_contact_messages(db, now=now, keep_days=180) == 2
    db.expire_all()
    left = set(db.scalars(select(ContactMessage.id)))
    assert [i in left for i in ids] == [False, False, True, True]
    assert "contact.purge" in set(db.scalars(select(AuditEntry.action)))
