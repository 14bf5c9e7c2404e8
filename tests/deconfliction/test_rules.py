"""The deconfliction policy as a matrix: actors × actions × resources (own and others')."""

from __future__ import annotations

from typing import Any

import pytest

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can
from nohaven.deconfliction.models import Case, Hit, HitParty, KeyEpoch, QuotaBucket, Registration

OWN, OTHER = "org-own", "org-other"


def actor(kind: str, roles: set[str], *, org: str = OWN, scopes: set[str] | None = None) -> Actor:
    return Actor(
        user_id="u-" + kind,
        label=kind,
        organisation_id=org,
        organisation_kind=kind,
        roles=frozenset(roles),
        scopes=frozenset(scopes) if scopes is not None else None,
    )


ANALYST = actor("law_enforcement", {"analyst"})
READ_TOKEN = actor("law_enforcement", {"analyst"}, scopes={"read"})
DELEGATE = actor("law_enforcement", {"delegate"})
NGO = actor("ngo", {"analyst"})
SECRETARIAT = actor("intergovernmental", {"secretariat_admin"})

own_case, other_case = Case(organisation_id=OWN), Case(organisation_id=OTHER)
own_side, other_side = HitParty(organisation_id=OWN), HitParty(organisation_id=OTHER)

A = Action
CASES: list[tuple[Actor, Action, Any, bool]] = [
    (ANALYST, A.CREATE, Case, True),
    (ANALYST, A.UPDATE, own_case, True),
    (ANALYST, A.UPDATE, other_case, False),
    (ANALYST, A.READ, other_case, False),
    (ANALYST, A.DELETE, own_case, False),
    (ANALYST, A.MATCH, Registration, True),
    (ANALYST, A.CREATE, Registration, True),
    (ANALYST, A.DELETE, Registration, False),
    (ANALYST, A.LIST, Hit, True),
    (ANALYST, A.READ, own_side, True),
    (ANALYST, A.RESPOND, own_side, True),
    (ANALYST, A.RESPOND, other_side, False),
    (ANALYST, A.READ, other_side, False),
    (ANALYST, A.LIST, QuotaBucket, False),
    (ANALYST, A.MANAGE, KeyEpoch, False),
    (READ_TOKEN, A.MATCH, Registration, True),
    (READ_TOKEN, A.CREATE, Registration, False),
    (READ_TOKEN, A.RESPOND, own_side, False),
    (DELEGATE, A.MATCH, Registration, False),
    (DELEGATE, A.LIST, Hit, False),
    (NGO, A.MATCH, Registration, False),
    (NGO, A.CREATE, Case, False),
    (SECRETARIAT, A.MATCH, Registration, False),
    (SECRETARIAT, A.LIST, Hit, False),
    (SECRETARIAT, A.READ, own_side, False),
    (SECRETARIAT, A.LIST, QuotaBucket, True),
    (SECRETARIAT, A.READ, QuotaBucket, True),
    (SECRETARIAT, A.UPDATE, QuotaBucket, False),
    (SECRETARIAT, A.MANAGE, KeyEpoch, False),
    (Actor.system("rotate"), A.MANAGE, KeyEpoch, True),
    (Actor.system("expiry"), A.DELETE, Registration, True),
]


@pytest.mark.parametrize(("who", "action", "resource", "allowed"), CASES)
def test_policy_matrix(who: Actor, action: Action, resource: Any, allowed: bool) -> None:
    assert can(who, action, resource) is allowed
