"""Meetings: cadence, scheduling in a time zone, agenda capacities, minutes, actions, iCalendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.governance.meetings import ics, record, service
from nohaven.governance.meetings.models import Meeting
from nohaven.kit.clock import utcnow
from nohaven.members.models import MembershipRole, OrganisationKind
from tests.factories import Factory, csrf_from, web_login
from tests.governance.conftest import Seats


def _meeting(db: Session, seats: Seats, days: int = 30, **kw: object) -> Meeting:
    start = (utcnow() + timedelta(days=days)).replace(tzinfo=None, microsecond=0)
    return service.schedule_meeting(
        db,
        actor=seats.actor("secretariat"),
        body_id=seats.body.id,
        title=str(kw.pop("title", "Plenary")),
        starts_at=start,
        timezone=str(kw.pop("timezone", "Europe/Brussels")),
        location="Brussels, Berlaymont",
        **kw,  # type: ignore[arg-type]
    )


def test_cadence_proposes_the_next_two_dates(db: Session, seats: Seats) -> None:
    seats.body.meetings_per_year = 2
    dates = service.proposed_dates(db, body=seats.body, today=date(2026, 11, 23))
    assert len(dates) == 2
    assert dates[0] > date(2026, 11, 23)
    assert all(d.weekday() < 5 for d in dates)
    assert 150 <= (dates[1] - dates[0]).days <= 190  # about six months apart
    meeting = _meeting(db, seats, days=40)
    after = service.proposed_dates(db, body=seats.body)
    assert after[0] > meeting.starts_at.date() + timedelta(days=150)


def test_schedule_converts_local_time_to_utc(db: Session, seats: Seats) -> None:
    start = datetime(utcnow().year + 1, 7, 1, 9, 0)  # 09:00 in Brussels in summer = 07:00 UTC  # noqa: DTZ001 - local time in the meeting's zone
    meeting = service.schedule_meeting(
        db,
        actor=seats.actor("chair"),
        body_id=seats.body.id,
        title="Summer plenary",
        starts_at=start,
        timezone="Europe/Brussels",
        location="Brussels",
    )
    assert meeting.starts_at == datetime(start.year, 7, 1, 7, 0, tzinfo=UTC)
    assert ics.local_time(meeting).hour == 9


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("timezone", {"timezone": "Mars/Olympus"}),
        ("location", {"location": ""}),
        ("online_url", {"online_url": "http://insecure.example.org"}),
    ],
)
def test_schedule_rejects_bad_input(
    db: Session, seats: Seats, field: str, kw: dict[str, str]
) -> None:
    args = {
        "title": "X",
        "starts_at": datetime(utcnow().year + 1, 3, 1, 10),  # noqa: DTZ001 - local time in the meeting's zone
        "timezone": "UTC",
        "location": "Rome",
        **kw,
    }
    with pytest.raises(InvalidInput) as caught:
        service.schedule_meeting(db, actor=seats.actor("chair"), body_id=seats.body.id, **args)  # type: ignore[arg-type]
    assert caught.value.errors[0]["field"] == field


def test_members_cannot_schedule(db: Session, seats: Seats) -> None:
    with pytest.raises(Forbidden):
        service.schedule_meeting(
            db,
            actor=seats.actor("a"),
            body_id=seats.body.id,
            title="Mine",
            starts_at=datetime(utcnow().year + 1, 3, 1, 10),  # noqa: DTZ001 - local time in the meeting's zone
            location="Rome",
        )


def test_agenda_capacities(db: Session, seats: Seats, factory: Factory) -> None:
    meeting = _meeting(db, seats)
    group = factory.body("Reference group", parent=seats.body)
    ngo = factory.organisation("Group NGO", kind=OrganisationKind.NGO)
    factory.seat(group, ngo)
    initiative_org = factory.organisation(
        "Five Country Ministerial Test", kind=OrganisationKind.INTERGOVERNMENTAL
    )
    service.register_initiative(
        db, actor=seats.actor("admin"), body_id=seats.body.id, organisation_id=initiative_org.id
    )
    ngo_actor = factory.actor(factory.user(ngo, roles=("delegate",)))
    initiative_actor = factory.actor(factory.user(initiative_org, roles=("delegate",)))
    member = service.propose_agenda_item(
        db, actor=seats.actor("a"), meeting_id=meeting.id, title="Encryption"
    )
    grp = service.propose_agenda_item(
        db, actor=ngo_actor, meeting_id=meeting.id, title="Survivor voices"
    )
    ini = service.propose_agenda_item(
        db, actor=initiative_actor, meeting_id=meeting.id, title="FCM report"
    )
    assert (member.proposer_capacity, grp.proposer_capacity, ini.proposer_capacity) == (
        "member",
        "reference_group",
        "initiative",
    )
    assert [m.id for m in service.meetings_open_to_proposals(db, actor=initiative_actor)] == [
        meeting.id
    ]
    for who in ("observer", "affiliate", "a_analyst"):
        with pytest.raises(Forbidden):
            service.propose_agenda_item(
                db, actor=seats.actor(who), meeting_id=meeting.id, title="No"
            )
    with pytest.raises(NotFound):  # the outsider cannot see the meeting at all
        service.propose_agenda_item(
            db, actor=seats.actor("outsider"), meeting_id=meeting.id, title="No"
        )
    # The chair orders: accepted items come first, in their positions.
    with pytest.raises(Forbidden):
        service.decide_agenda_item(db, actor=seats.actor("a"), item_id=member.id, status="accepted")
    service.decide_agenda_item(
        db, actor=seats.actor("chair"), item_id=ini.id, status="accepted", position=2
    )
    service.decide_agenda_item(
        db, actor=seats.actor("chair"), item_id=member.id, status="accepted", position=1
    )
    service.decide_agenda_item(db, actor=seats.actor("chair"), item_id=grp.id, status="declined")
    assert [i.title for i in service.agenda(db, meeting=meeting)] == [
        "Encryption",
        "FCM report",
        "Survivor voices",
    ]


def test_minutes_workflow(db: Session, seats: Seats) -> None:
    meeting = _meeting(db, seats)
    with pytest.raises(Conflict):
        record.update_minutes(
            db, actor=seats.actor("chair"), meeting_id=meeting.id, status="approved", text="x"
        )
    record.update_minutes(
        db, actor=seats.actor("chair"), meeting_id=meeting.id, status="drafted", text="Opened at 9."
    )
    record.update_minutes(
        db, actor=seats.actor("chair"), meeting_id=meeting.id, status="circulated"
    )
    record.update_minutes(
        db, actor=seats.actor("secretariat"), meeting_id=meeting.id, status="approved"
    )
    with pytest.raises(Conflict):
        record.update_minutes(
            db,
            actor=seats.actor("chair"),
            meeting_id=meeting.id,
            status="drafted",
            text="Rewritten",
        )
    assert meeting.minutes == "Opened at 9."
    with pytest.raises(Forbidden):
        record.update_minutes(db, actor=seats.actor("a"), meeting_id=meeting.id, status="drafted")


def test_action_items_carry_over(db: Session, seats: Seats) -> None:
    first = _meeting(db, seats, days=10, title="Autumn")
    second = _meeting(db, seats, days=190, title="Spring")
    item = record.add_action_item(
        db,
        actor=seats.actor("chair"),
        meeting_id=first.id,
        text="Draft the AI paper",
        owner_id=seats.a.id,
        due_date=utcnow().date() + timedelta(days=60),
    )
    assert [a.id for a in record.action_items(db, meeting=second).carried_over] == [item.id]
    assert [a.id for a in record.action_items(db, meeting=first).raised] == [item.id]
    # The owner's delegate closes it; another member may not.
    with pytest.raises(Forbidden):
        record.set_action_status(db, actor=seats.actor("b"), item_id=item.id, status="done")
    record.set_action_status(db, actor=seats.actor("a"), item_id=item.id, status="done")
    assert record.action_items(db, meeting=second).carried_over == []
    record.record_attendance(
        db, actor=seats.actor("chair"), meeting_id=first.id, organisation_ids=[seats.a.id]
    )
    with pytest.raises(InvalidInput):
        record.record_attendance(
            db,
            actor=seats.actor("chair"),
            meeting_id=first.id,
            organisation_ids=[seats.outsider.id],
        )


def test_ics_is_well_formed(db: Session, seats: Seats) -> None:
    meeting = _meeting(
        db, seats, title="Plenary; budget, AI and encryption \\ a very long title " + "é" * 40
    )
    text = ics.meeting_ics(
        meeting, body_name="Test Taskforce", now=datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert text.endswith("\r\n")
    lines = text.split("\r\n")[:-1]
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Plenary\\; budget\\, AI and encryption \\\\ a very long title " in unfolded
    assert f"UID:{meeting.id}@nohaven" in unfolded
    assert "DTSTAMP:20260101T000000Z" in unfolded
    assert f"DTSTART:{meeting.starts_at.strftime('%Y%m%dT%H%M%SZ')}" in unfolded
    assert "Local time:" in unfolded
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"


def test_meeting_pages_ics_and_print(client: TestClient, seats: Seats, db: Session) -> None:
    web_login(client, seats.users["secretariat"])
    page = client.get("/meetings")
    assert "Its cadence proposes" in page.text
    day = (utcnow() + timedelta(days=20)).date().isoformat()
    response = client.post(
        "/meetings",
        data={
            "csrf_token": csrf_from(page.text),
            "body_id": seats.body.id,
            "title": "Online check-in",
            "day": day,
            "time": "14:30",
            "timezone": "Asia/Manila",
            "online_url": "https://meet.example.org/abc",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    url = response.headers["location"]
    shown = client.get(url)
    assert "14:30 Asia/Manila" in shown.text
    cal = client.get(url + "/calendar.ics")
    assert cal.headers["content-type"].startswith("text/calendar")
    assert "DTSTART:" in cal.text
    printable = client.get(url + "/print")
    assert "Online check-in" in printable.text
    bad = client.post(
        "/meetings",
        data={
            "csrf_token": csrf_from(page.text),
            "body_id": seats.body.id,
            "title": "X",
            "day": "soon",
        },
    )
    assert bad.status_code == 422
    proposed = client.post(
        url + "/agenda", data={"csrf_token": csrf_from(page.text), "title": "Budget"}
    )
    assert "Budget" in proposed.text


def test_observer_role_seat_is_not_enough_for_agenda(db: Session, seats: Seats) -> None:
    meeting = _meeting(db, seats)
    assert service.capacity(db, seats.actor("observer"), meeting) is None
    assert seats.actor("observer").body_roles[seats.body.id] == MembershipRole.OBSERVER


def test_meetings_api(client: TestClient, seats: Seats) -> None:
    from tests.governance.conftest import api_headers

    sec = api_headers(seats.factory, seats.users["secretariat"])
    member = api_headers(seats.factory, seats.users["a"])
    outsider = api_headers(seats.factory, seats.users["outsider"])
    cadence = client.get(f"/api/v1/governance/bodies/{seats.body.slug}/cadence", headers=member)
    assert len(cadence.json()["proposed_dates"]) == 2
    start = (utcnow() + timedelta(days=15)).replace(tzinfo=None, microsecond=0).isoformat()
    created = client.post(
        "/api/v1/meetings",
        json={
            "body": seats.body.slug,
            "title": "API meeting",
            "starts_at": start,
            "location": "Oslo",
        },
        headers=sec,
    )
    assert created.status_code == 201, created.text
    meeting_id = created.json()["id"]
    item = client.post(
        f"/api/v1/meetings/{meeting_id}/agenda", json={"title": "Hotlines"}, headers=member
    )
    assert item.status_code == 201
    assert (
        client.put(
            f"/api/v1/agenda-items/{item.json()['id']}", json={"status": "accepted"}, headers=sec
        ).json()["position"]
        == 1
    )
    assert client.get(f"/api/v1/meetings/{meeting_id}", headers=outsider).status_code == 404
    cal = client.get(f"/api/v1/meetings/{meeting_id}/calendar.ics", headers=member)
    assert "1. Hotlines" in cal.text.replace("\r\n ", "")
    bad = client.put(f"/api/v1/meetings/{meeting_id}/minutes", json={"status": "lost"}, headers=sec)
    assert bad.status_code == 422
    # Moving it: by the secretariat only, to a time in the future.
    later = (utcnow() + timedelta(days=16)).replace(tzinfo=None, microsecond=0).isoformat()
    move = f"/api/v1/meetings/{meeting_id}/reschedule"
    assert client.post(move, json={"starts_at": later}, headers=member).status_code == 403
    past = client.post(move, json={"starts_at": "2001-01-01T10:00:00"}, headers=sec)
    assert past.status_code == 422
    moved = client.post(move, json={"starts_at": later, "location": "Bergen"}, headers=sec)
    assert moved.status_code == 200, moved.text
    assert moved.json()["location"] == "Bergen"


def test_decisions_api(client: TestClient, seats: Seats, db: Session) -> None:
    from tests.governance.conftest import api_headers

    meeting = _meeting(db, seats)
    sec = api_headers(seats.factory, seats.users["secretariat"])
    member = api_headers(seats.factory, seats.users["a"])
    made = client.post(
        f"/api/v1/meetings/{meeting.id}/decisions", json={"text": "Meet in Manila"}, headers=sec
    )
    assert made.status_code == 201
    denied = client.post(
        f"/api/v1/meetings/{meeting.id}/decisions", json={"text": "Meet in Rome"}, headers=member
    )
    assert denied.status_code == 403
    empty = client.post(f"/api/v1/meetings/{meeting.id}/decisions", json={"text": " "}, headers=sec)
    assert empty.status_code == 422
    # An unknown motion is the client's mistake (422), not the database's foreign-key error.
    unknown = client.post(
        f"/api/v1/meetings/{meeting.id}/decisions",
        json={"text": "Adopted", "motion_id": "no-such-motion"},
        headers=sec,
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "motion_id"
    listed = client.get(f"/api/v1/meetings/{meeting.id}/decisions", headers=member)
    assert [d["text"] for d in listed.json()] == ["Meet in Manila"]


def test_chair_reorders_the_agenda_on_the_page(
    client: TestClient, seats: Seats, db: Session
) -> None:
    meeting = _meeting(db, seats)
    first = service.propose_agenda_item(
        db, actor=seats.actor("a"), meeting_id=meeting.id, title="First"
    )
    second = service.propose_agenda_item(
        db, actor=seats.actor("b"), meeting_id=meeting.id, title="Second"
    )
    web_login(client, seats.users["chair"])
    page = client.get(f"/meetings/{meeting.id}")
    token = csrf_from(page.text)
    for item in (first, second):
        client.post(
            f"/meetings/{meeting.id}/agenda/{item.id}",
            data={"csrf_token": token, "status": "accepted"},
        )
    moved = client.post(
        f"/meetings/{meeting.id}/agenda/{second.id}",
        data={"csrf_token": token, "status": "accepted", "position": "0"},
    )
    assert moved.status_code == 200
    agenda = moved.text[moved.text.index('<ol class="agenda">') :]
    assert agenda.index("Second") < agenda.index("First")
    refused = client.post(
        f"/meetings/{meeting.id}/agenda/{second.id}", data={"csrf_token": token, "status": "maybe"}
    )
    assert refused.status_code == 422
