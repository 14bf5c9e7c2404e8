"""The governance policy as a matrix: actors × actions × resources, including other bodies."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from nohaven.auth.policy import Action, can
from nohaven.governance.meetings.models import Meeting
from nohaven.governance.motions.models import Motion
from nohaven.governance.statements.models import Statement
from tests.factories import Factory
from tests.governance.conftest import Seats

ACTORS = ("chair", "a", "a_analyst", "observer", "affiliate", "secretariat", "admin", "outsider")

# (kind, action) -> actors allowed, for a record of the seats' body.
EXPECTED: dict[tuple[str, Action], set[str]] = {
    ("motion", Action.READ): {
        "chair",
        "a",
        "a_analyst",
        "observer",
        "affiliate",
        "secretariat",
        "admin",
    },
    ("motion", Action.CREATE): {"chair", "secretariat", "admin"},
    ("motion", Action.MANAGE): {"chair", "secretariat", "admin"},
    ("motion", Action.VOTE): {"chair", "a"},  # observers, affiliates, secretariat never vote
    ("motion", Action.DELETE): {"chair", "secretariat", "admin"},
    ("meeting", Action.READ): {
        "chair",
        "a",
        "a_analyst",
        "observer",
        "affiliate",
        "secretariat",
        "admin",
    },
    ("meeting", Action.CREATE): {"chair", "secretariat", "admin"},
    ("meeting", Action.UPDATE): {"chair", "secretariat", "admin"},
    ("statement", Action.READ): {
        "chair",
        "a",
        "a_analyst",
        "observer",
        "affiliate",
        "secretariat",
        "admin",
    },
    ("statement", Action.CREATE): {"chair", "a", "secretariat", "admin"},
    ("statement", Action.MANAGE): {"chair", "secretariat", "admin"},
}


def _resource(kind: str, body_id: str) -> object:
    if kind == "motion":
        return Motion(body_id=body_id)
    if kind == "meeting":
        return Meeting(body_id=body_id)
    return Statement(body_id=body_id)


@pytest.mark.parametrize(("kind", "action"), list(EXPECTED))
def test_matrix(db: Session, seats: Seats, factory: Factory, kind: str, action: Action) -> None:
    other_body = factory.body("Another body")
    for who in ACTORS:
        actor = seats.actor(who)
        allowed = can(actor, action, _resource(kind, seats.body.id))
        assert allowed == (who in EXPECTED[(kind, action)]), (who, kind, action)
        # Another body's records: only the secretariat admins.
        expected_elsewhere = who == "admin" and action != Action.VOTE
        assert can(actor, action, _resource(kind, other_body.id)) == expected_elsewhere, (
            who,
            kind,
            action,
            "other body",
        )


def test_read_token_cannot_vote(db: Session, seats: Seats) -> None:
    actor = seats.factory.actor(seats.users["a"], scopes=frozenset({"read"}))
    assert can(actor, Action.READ, Motion(body_id=seats.body.id))
    assert not can(actor, Action.VOTE, Motion(body_id=seats.body.id))


ALL_SEATED = {"chair", "a", "a_analyst", "observer", "affiliate", "secretariat", "admin"}


def test_matrix_of_member_resources(db: Session, seats: Seats, factory: Factory) -> None:
    """Resources owned by one organisation (A): progress, case studies, applications."""
    from nohaven.governance.models import (  # every room's tables
        CaseStudy,
        ContactMessage,
        Initiative,
        MembershipApplication,
        MissionStatement,
        ProgressReport,
        StandingOrders,
    )

    body = seats.body.id
    a = seats.a.id
    cases: list[tuple[object, Action, set[str]]] = [
        (MissionStatement(body_id=body), Action.READ, ALL_SEATED),
        (MissionStatement(body_id=body), Action.CREATE, {"chair", "secretariat", "admin"}),
        (MissionStatement(body_id=body), Action.RESPOND, {"chair", "a"}),
        (ProgressReport(organisation_id=a), Action.CREATE, {"a"}),
        (ProgressReport(organisation_id=a), Action.UPDATE, {"a"}),
        (CaseStudy(body_id=body, organisation_id=a, published=False), Action.READ, ALL_SEATED),
        (
            CaseStudy(body_id=body, organisation_id=a, published=False),
            Action.UPDATE,
            {"a", "admin"},
        ),
        (CaseStudy(body_id=body, organisation_id=a, published=True), Action.READ, set(ACTORS)),
        (MembershipApplication(body_id=body, organisation_id=a), Action.READ, ALL_SEATED),
        (MembershipApplication(body_id=body, organisation_id=a), Action.CREATE, {"a"}),
        (
            MembershipApplication(body_id=body, organisation_id=a),
            Action.MANAGE,
            {"chair", "secretariat", "admin"},
        ),
        (ContactMessage(body_id=body), Action.READ, {"secretariat", "admin"}),
        (ContactMessage(body_id=body), Action.CREATE, set()),
        (ContactMessage(body_id=body), Action.UPDATE, {"secretariat", "admin"}),
        (StandingOrders(body_id=body), Action.READ, ALL_SEATED),
        (StandingOrders(body_id=body), Action.UPDATE, {"admin"}),
        (Initiative(body_id=body), Action.CREATE, {"admin"}),
    ]
    for resource, action, allowed in cases:
        for who in ACTORS:
            expected = who in allowed
            got = can(seats.actor(who), action, resource)
            assert got == expected, (type(resource).__name__, action, who)
    # Another organisation's application is not the outsider's to read; its own is.
    outsider_app = MembershipApplication(body_id=body, organisation_id=seats.outsider.id)
    assert can(seats.actor("outsider"), Action.READ, outsider_app)
    assert not can(
        seats.actor("outsider"), Action.READ, MembershipApplication(body_id=body, organisation_id=a)
    )
