"""Governance answers what an outsider may not see exactly as what does not exist, and its
identifiers never encode another body's content (issue 12)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.errors import InvalidInput
from nohaven.governance.meetings import record as meeting_record
from nohaven.governance.meetings import service as meetings
from nohaven.governance.meetings.models import Meeting
from nohaven.governance.motions import service as voting
from nohaven.governance.statements import service as statements
from nohaven.kit.clock import utcnow
from nohaven.members.models import MembershipRole, OrganisationKind
from tests.governance.conftest import Seats, api_headers

MISSING = "0" * 32


def _meeting(db: Session, seats: Seats) -> Meeting:
    start = (utcnow() + timedelta(days=20)).replace(tzinfo=None, microsecond=0)
    return meetings.schedule_meeting(
        db,
        actor=seats.actor("secretariat"),
        body_id=seats.body.id,
        title="Plenary",
        starts_at=start,
        timezone="Europe/Brussels",
        location="Brussels",
    )


def test_statement_slugs_do_not_reveal_another_bodys_draft(db: Session, seats: Seats) -> None:
    """Before: a second "Nightjar" got the slug "nightjar-2", telling its author that a
    statement of that title (perhaps another body's draft) existed."""
    other_body = seats.factory.body("Other Taskforce")
    other_org = seats.factory.organisation("Other Agency", kind=OrganisationKind.GOVERNMENT)
    seats.factory.seat(other_body, other_org, MembershipRole.CHAIR)
    other = seats.factory.actor(seats.factory.user(other_org, roles=("delegate",)))
    hidden = statements.create_statement(
        db, actor=other, body_id=other_body.id, title="Operation Nightjar", text="Draft."
    )
    mine = statements.create_statement(
        db, actor=seats.actor("chair"), body_id=seats.body.id, title="Operation Nightjar", text="…"
    )
    for slug in (hidden.slug, mine.slug):
        assert re.fullmatch(r"operation-nightjar-[0-9a-f]{8}", slug), slug
    assert hidden.slug != mine.slug


def test_a_decision_takes_only_a_motion_of_the_meetings_body(db: Session, seats: Seats) -> None:
    meeting = _meeting(db, seats)
    own = voting.create_motion(
        db,
        actor=seats.actor("chair"),
        body_id=seats.body.id,
        title="Ours",
        closes_at=utcnow() + timedelta(days=3),
    )
    other_body = seats.factory.body("Other Taskforce")
    other_org = seats.factory.organisation("Other Agency", kind=OrganisationKind.GOVERNMENT)
    seats.factory.seat(other_body, other_org, MembershipRole.CHAIR)
    foreign = voting.create_motion(
        db,
        actor=seats.factory.actor(seats.factory.user(other_org, roles=("delegate",))),
        body_id=other_body.id,
        title="Theirs",
        closes_at=utcnow() + timedelta(days=3),
    )
    secretariat = seats.actor("secretariat")
    refusals = []
    for motion_id in (foreign.id, MISSING):
        with pytest.raises(InvalidInput) as caught:
            meeting_record.add_decision(
                db, actor=secretariat, meeting_id=meeting.id, text="Noted.", motion_id=motion_id
            )
        refusals.append((caught.value.detail, caught.value.errors))
    assert refusals[0] == refusals[1]  # another body's motion answers like no motion at all
    decision = meeting_record.add_decision(
        db, actor=secretariat, meeting_id=meeting.id, text="Adopted.", motion_id=own.id
    )
    assert decision.motion_id == own.id


def test_hidden_agenda_items_and_motions_answer_like_missing_ones(
    client: TestClient, db: Session, seats: Seats
) -> None:
    """With a valid body, so the answer comes from the lookup and not from validation."""
    meeting = _meeting(db, seats)
    item = meetings.propose_agenda_item(
        db, actor=seats.actor("a"), meeting_id=meeting.id, title="Our item"
    )
    motion = voting.create_motion(
        db,
        actor=seats.actor("chair"),
        body_id=seats.body.id,
        title="Hidden from outsiders",
        closes_at=utcnow() + timedelta(days=3),
    )
    outsider = {
        **api_headers(seats.factory, seats.users["outsider"]),
        "X-Request-ID": "hidden-vs-missing",
    }
    calls = [
        ("PUT", "/api/v1/agenda-items/{}", item.id, {"status": "accepted"}),
        ("GET", "/api/v1/motions/{}", motion.id, None),
        ("POST", "/api/v1/motions/{}/votes", motion.id, {"option": "yes"}),
        ("POST", "/api/v1/meetings/{}/agenda", meeting.id, {"title": "Mine"}),
        (
            "POST",
            "/api/v1/meetings/{}/decisions",
            meeting.id,
            {"text": "Noted.", "motion_id": motion.id},
        ),
    ]
    for method, template, real, body in calls:
        answers = []
        for ident in (real, MISSING):
            response = client.request(method, template.format(ident), headers=outsider, json=body)
            answers.append((response.status_code, response.text.replace(ident, "ID")))
        assert answers[0] == answers[1], (method, template, answers)
        assert answers[0][0] == 404, (method, template, answers)
