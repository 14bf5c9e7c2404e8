"""Meeting invitations in delegates' calendars: METHOD:REQUEST to every delegate of the body,
updates with a higher SEQUENCE, and METHOD:CANCEL — read back from the real SMTP server."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.governance.meetings import service as meetings
from nohaven.kit.clock import utcnow
from nohaven.members.models import MembershipRole
from tests.factories import Factory, csrf_from, web_login
from tests.notifications.smtp import Received, SmtpServer
from tests.notifications.test_mail import run_sender

PARIS = ZoneInfo("Europe/Paris")


def event_of(mail: Received) -> tuple[str, icalendar.Event]:
    text = mail.calendar()
    assert text is not None, "no calendar attached"
    calendar = icalendar.Calendar.from_ical(text)
    [event] = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), event


def test_every_delegate_of_the_body_gets_the_invitation_its_update_and_cancellation(
    db: Session, factory: Factory, settings: Settings, smtp_server: SmtpServer
) -> None:
    body = factory.body("Calendar Taskforce")
    chair_org = factory.organisation("Chairing Ministry", country="FR")
    member_org = factory.organisation("Member Ministry", country="JP")
    outside_org = factory.organisation("Outside Ministry", country="BR")
    factory.seat(body, chair_org, MembershipRole.CHAIR)
    factory.seat(body, member_org)
    delegates = [
        factory.user(chair_org, roles=("delegate",)),
        factory.user(member_org, roles=("delegate",)),
        factory.user(member_org, roles=("delegate", "analyst")),
    ]
    analyst = factory.user(member_org, roles=("analyst",))
    outsider = factory.user(outside_org, roles=("delegate",))
    secretariat = factory.user(
        factory.organisation("Calendar Secretariat", kind="intergovernmental"),
        roles=("secretariat_admin",),
    )
    actor = factory.actor(secretariat)
    start = len(smtp_server.received)
    when = utcnow() + timedelta(days=30)
    meeting = meetings.schedule_meeting(
        db,
        actor=actor,
        body_id=body.id,
        title="Plenary on the budget",
        starts_at=datetime(when.year, when.month, when.day, 14, 0, tzinfo=PARIS),
        timezone="Europe/Paris",
        location="Paris",
        online_url="https://meet.example.org/secret-room",
    )
    run_sender(db, settings)
    for delegate in delegates:
        [mail] = smtp_server.to(delegate.email, start)
        method, event = event_of(mail)
        assert method == "REQUEST"
        assert int(event["SEQUENCE"]) == 0
        assert str(event["UID"]) == f"{meeting.id}@nohaven"
        assert str(event["SUMMARY"]) == "Plenary on the budget"
        assert event.decoded("DTSTART") == meeting.starts_at
        assert str(event["ATTENDEE"]) == f"mailto:{delegate.email}"
        # the online link stays on the platform
        assert "secret-room" not in mail.raw.decode(errors="replace")
        part = next(mail.message.iter_attachments())
        assert part.get_param("method") == "REQUEST"
    assert not smtp_server.to(analyst.email, start)
    assert not smtp_server.to(outsider.email, start)

    later = len(smtp_server.received)
    meetings.reschedule_meeting(
        db,
        actor=actor,
        meeting_id=meeting.id,
        starts_at=datetime(when.year, when.month, when.day, 16, 0, tzinfo=PARIS),
    )
    run_sender(db, settings)
    [moved] = smtp_server.to(delegates[1].email, later)
    method, event = event_of(moved)
    assert (method, int(event["SEQUENCE"])) == ("REQUEST", 1)
    assert event.decoded("DTSTART") == meeting.starts_at
    assert moved.message["Subject"] == "nohaven: Meeting changed"

    last = len(smtp_server.received)
    meetings.cancel_meeting(db, actor=actor, meeting_id=meeting.id)
    run_sender(db, settings)
    for delegate in delegates:
        [cancelled] = smtp_server.to(delegate.email, last)
        method, event = event_of(cancelled)
        assert (method, int(event["SEQUENCE"])) == ("CANCEL", 2)
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == f"{meeting.id}@nohaven"


def test_the_secretariat_moves_and_cancels_a_meeting_through_its_page(
    client: TestClient, db: Session, factory: Factory, settings: Settings, smtp_server: SmtpServer
) -> None:
    body = factory.body("Moving Taskforce")
    member_org = factory.organisation("Moving Ministry", country="JP")
    factory.seat(body, member_org)
    delegate = factory.user(member_org, roles=("delegate",))
    member = factory.user(member_org, roles=("delegate", "analyst"))
    secretariat = factory.user(
        factory.organisation("Moving Secretariat", kind="intergovernmental"),
        roles=("secretariat_admin",),
    )
    when = utcnow() + timedelta(days=20)
    meeting = meetings.schedule_meeting(
        db,
        actor=factory.actor(secretariat),
        body_id=body.id,
        title="Plenary",
        starts_at=datetime(when.year, when.month, when.day, 10, 0, tzinfo=PARIS),
        timezone="Europe/Paris",
        location="Paris",
    )
    run_sender(db, settings)
    path = f"/meetings/{meeting.id}"

    # A delegate sees no such form, and posting it anyway is refused.
    web_login(client, member)
    assert "/reschedule" not in client.get(path).text
    token = csrf_from(client.get(path).text)
    refused = client.post(f"{path}/cancel", data={"csrf_token": token})
    assert refused.status_code in (403, 404)
    client.cookies.clear()

    web_login(client, secretariat)
    page = client.get(path)
    assert f'action="{path}/reschedule"' in page.text
    token = csrf_from(page.text)
    past = client.post(
        f"{path}/reschedule", data={"csrf_token": token, "day": "2001-01-01", "time": "10:00"}
    )
    assert past.status_code == 422
    assert "in the future" in past.text
    bad = client.post(f"{path}/reschedule", data={"csrf_token": token, "day": "tomorrow"})
    assert bad.status_code == 422
    assert "YYYY-MM-DD" in bad.text

    later = len(smtp_server.received)
    moved = client.post(
        f"{path}/reschedule",
        data={"csrf_token": token, "day": when.date().isoformat(), "time": "15:30"},
        follow_redirects=False,
    )
    assert moved.status_code == 303, moved.text
    run_sender(db, settings)
    [update] = smtp_server.to(delegate.email, later)
    method, event = event_of(update)
    assert (method, int(event["SEQUENCE"])) == ("REQUEST", 1)
    assert event.decoded("DTSTART").astimezone(PARIS).hour == 15

    last = len(smtp_server.received)
    cancelled = client.post(f"{path}/cancel", data={"csrf_token": token}, follow_redirects=False)
    assert cancelled.status_code == 303
    run_sender(db, settings)
    [cancel] = smtp_server.to(delegate.email, last)
    assert event_of(cancel)[0] == "CANCEL"
    assert int(event_of(cancel)[1]["SEQUENCE"]) == 2
    assert "Move or cancel" not in client.get(path).text  # nothing left to move
    again = client.post(f"{path}/cancel", data={"csrf_token": token})
    assert again.status_code == 409
