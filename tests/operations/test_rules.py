"""The operations rules beyond the shared matrix (tests/auth/matrix): the same operation asked
every action by every kind of reader — the lead, a participant, an invitee, an agency of the
same body that does not take part (with and without the code name allowed), another body's
agency, a delegate of a participating agency, the secretariat — listed by hand."""

from __future__ import annotations

import pytest

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can
from nohaven.operations.models import (
    ActionDay,
    Activity,
    Briefing,
    Participant,
    Referral,
    ResultReport,
)

L, R, E, C, U, D = (
    Action.LIST,
    Action.READ,
    Action.EXPORT,
    Action.CREATE,
    Action.UPDATE,
    Action.DELETE,
)
MANAGE, RESPOND, MATCH = Action.MANAGE, Action.RESPOND, Action.MATCH
READS = {L, R, E}
NOTHING: set[Action] = set()
BODY, OTHER_BODY = "body-x", "body-y"
LEAD, PART, INVITED, BYSTANDER, ELSEWHERE, SEC = "lead", "part", "inv", "by", "else", "sec"


def _actor(org: str, *roles: str, body: str = BODY, kind: str = "law_enforcement") -> Actor:
    return Actor(
        user_id=f"u-{org}-{'-'.join(roles)}",
        label=org,
        organisation_id=org,
        organisation_kind=kind,
        roles=frozenset(roles),
        body_roles={body: "member"},
    )


ACTORS = {
    "lead": _actor(LEAD, "analyst"),
    "participant": _actor(PART, "analyst"),
    "participant_admin": _actor(PART, "org_admin"),
    "participant_delegate": _actor(PART, "delegate"),
    "invitee": _actor(INVITED, "analyst"),
    "bystander": _actor(BYSTANDER, "analyst"),
    "elsewhere": _actor(ELSEWHERE, "analyst", "org_admin", body=OTHER_BODY),
    "secretariat": _actor(SEC, "secretariat_admin", kind="intergovernmental"),
}


def _operation(*, code_name_visible: bool) -> Activity:
    return Activity(
        id="op",
        body_id=BODY,
        kind="operation",
        lead_organisation_id=LEAD,
        tlp="TLP:RED",
        participant_organisation_ids=[LEAD, PART],
        invited_organisation_ids=[INVITED],
        code_name_visible=code_name_visible,
    )


def _allowed(actor: Actor, resource: object) -> set[Action]:
    return {a for a in Action if can(actor, a, resource)}


@pytest.mark.parametrize("visible", [True, False])
def test_the_operation(visible: bool) -> None:
    op = _operation(code_name_visible=visible)
    code_name = {L} if visible else NOTHING
    expected = {
        "lead": READS | {C, U, MANAGE},
        "participant": READS,
        "participant_admin": READS,
        "participant_delegate": code_name,  # not on the case: need to know
        "invitee": READS | {RESPOND},
        "bystander": code_name,
        "elsewhere": NOTHING,
        "secretariat": code_name,  # holds a seat in the body as any other member
    }
    assert {name: _allowed(a, op) for name, a in ACTORS.items()} == expected


def test_what_the_operation_holds() -> None:
    op = _operation(code_name_visible=True)
    participant = Participant(id="p", organisation_id=PART, activity=op)
    day = ActionDay(id="d", activity=op)
    briefing = Briefing(id="b", author_organisation_id=PART, activity=op)
    result = ResultReport(id="r", organisation_id=PART, activity=op)
    readers = {"lead", "participant", "participant_admin", "invitee"}
    for name, actor in ACTORS.items():
        reads = READS if name in readers else NOTHING
        own = name in {"participant", "participant_admin"}
        assert _allowed(actor, participant) == reads | ({U} if own else NOTHING) | (
            {C, D} if name == "lead" else NOTHING
        ), name
        assert _allowed(actor, day) == reads | ({C, U, D} if name == "lead" else NOTHING), name
        # Invitees see the operation but not its briefings and results until they join.
        joined = READS if name in readers - {"invitee"} else NOTHING
        assert _allowed(actor, briefing) == joined | ({C} if joined else NOTHING) | (
            {U, D} if own else NOTHING
        ), name
        assert _allowed(actor, result) == joined | ({C, U} if own else NOTHING), name


def test_a_referral_is_for_its_sender_and_receiver_only() -> None:
    referral = Referral(id="rf", sender_organisation_id=PART, receiver_organisation_id=LEAD)
    expected = {
        "lead": {R, RESPOND},
        "participant": {R, C, MATCH},
        "participant_admin": {R, C, MATCH},
    }
    for name, actor in ACTORS.items():
        assert _allowed(actor, referral) == expected.get(name, NOTHING), name
    # Between two participants, the third (the lead here) reads nothing of it.
    between = Referral(id="rf2", sender_organisation_id=PART, receiver_organisation_id=INVITED)
    assert _allowed(ACTORS["lead"], between) == NOTHING
    assert _allowed(ACTORS["invitee"], between) == {R, RESPOND}
