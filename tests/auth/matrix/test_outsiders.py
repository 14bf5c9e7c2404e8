"""Users of another organisation, holding every organisation role, asking every action of
organisation A's things. What they may do is listed here by hand; everything else is denied.

An outsider's allowance is what the alliance shares by design: the directory, the criteria
framework and the points of contact are open to every account; listing is asked of a class
and the services filter lists to what the actor may read; proposing an agenda item is open to
any organisation's representative (the service checks the meeting's capacity)."""

from __future__ import annotations

import pytest

from nohaven.auth.policy import TOKEN_READ_ACTIONS, Action
from tests.auth.matrix.world import OUTSIDERS, READS, mismatches

NOTHING: frozenset[Action] = frozenset()
LIST = frozenset({Action.LIST})

OUTSIDER_MAY: dict[str, frozenset[Action]] = {
    "organisation": READS,
    "body": READS,
    "membership": READS,
    "user": LIST,  # an org admin lists users; the service shows only their own organisation's
    "invitation": LIST,
    "api_token": LIST,
    "audit_entry": NOTHING,
    "audit_checkpoint": READS,  # signed heads are for every member to keep
    "notice": LIST,
    "mail_message": NOTHING,
    "webhook_endpoint": LIST,  # an admin lists endpoints; the service shows their own only
    "standing_orders": NOTHING,
    "motion": LIST,
    "meeting": LIST,
    "initiative": LIST,
    "agenda_item": frozenset({Action.LIST, Action.PROPOSE}),
    "statement": LIST,
    "mission": LIST,
    "progress_report": LIST,
    "case_study": LIST,
    "application": NOTHING,
    "contact_message": NOTHING,
    "policy_framework": READS,
    "policy_assessment": NOTHING,
    "policy_maturity": NOTHING,
    "hash_list": NOTHING,
    "hash_sighting": NOTHING,
    "federation_peer": frozenset({Action.LIST, Action.READ}),
    "hash_export_rule": frozenset({Action.LIST, Action.READ}),
    "federation_subscription": NOTHING,
    "deconfliction_case": NOTHING,
    "deconfliction_registration": NOTHING,
    "deconfliction_hit": LIST,
    "deconfliction_hit_party": NOTHING,
    "deconfliction_quota": NOTHING,
    "deconfliction_key": NOTHING,
    "travel_point_of_contact": READS,
    "travel_notification": NOTHING,
    "operation": NOTHING,
    "operation_participant": NOTHING,
    "operation_action_day": NOTHING,
    "operation_briefing": NOTHING,
    "operation_result": NOTHING,
    "operation_referral": NOTHING,
}

# A seat in any body counts for the governance records that name no body of their own.
CHAIRING_ELSEWHERE_ALSO_MAY: dict[str, frozenset[Action]] = {
    "progress_report": READS,
}


def _expected(name: str) -> dict[str, frozenset[Action]]:
    expected = dict(OUTSIDER_MAY)
    if name == "outsider_chairing_elsewhere":
        for kind, extra in CHAIRING_ELSEWHERE_ALSO_MAY.items():
            expected[kind] = expected[kind] | extra
    if OUTSIDERS[name].scopes == frozenset({"read"}):
        expected = {kind: allowed & TOKEN_READ_ACTIONS for kind, allowed in expected.items()}
    return expected


@pytest.mark.parametrize("name", sorted(OUTSIDERS))
def test_outsiders_reach_only_what_is_shared_by_design(name: str) -> None:
    by_kind = _expected(name)
    expected = {kind: {name: allowed} for kind, allowed in by_kind.items()}
    assert mismatches(OUTSIDERS, expected) == []


def test_outsiders_belong_to_another_organisation_than_the_resources() -> None:
    for actor in OUTSIDERS.values():
        assert actor.organisation_id not in {"org-a", None}
        assert not actor.is_secretariat
        assert "body-a" not in actor.body_roles
