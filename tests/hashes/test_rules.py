"""The hashes policy as a matrix: actors × actions × lists, including a third organisation
that must see nothing."""

from __future__ import annotations

import pytest

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can
from nohaven.hashes.models import HashList, Sighting

OWNER, PARTNER, THIRD = "org-owner", "org-partner", "org-third"
BODY = "body-vgt"


def _actor(org: str, role: str = "analyst", *, body: bool = False) -> Actor:
    return Actor(
        user_id=f"u-{org}-{role}",
        label=f"{role}@{org}",
        organisation_id=org,
        roles=frozenset({role}),
        body_roles={BODY: "member"} if body else {},
    )


ACTORS = {
    "owner_analyst": _actor(OWNER),
    "owner_delegate": _actor(OWNER, "delegate"),
    "partner_analyst": _actor(PARTNER),
    "body_member_analyst": _actor(THIRD, body=True),
    "third_analyst": _actor(THIRD),
    "secretariat": _actor("org-sec", "secretariat_admin"),
    "anonymous": Actor(user_id=None, label="anonymous"),
}


def _list(tlp: str, orgs: tuple[str, ...] = (), bodies: tuple[str, ...] = ()) -> HashList:
    return HashList(
        id=f"l-{tlp}",
        owner_organisation_id=OWNER,
        tlp=tlp,
        audience_organisation_ids=list(orgs),
        audience_body_ids=list(bodies),
    )


LISTS = {
    "red_named_partner": _list("TLP:RED", (PARTNER,)),
    "amber_named_partner_and_body": _list("TLP:AMBER", (PARTNER,), (BODY,)),
    "amber_strict_own": _list("TLP:AMBER+STRICT"),
    "green_body": _list("TLP:GREEN", (), (BODY,)),
    "clear": _list("TLP:CLEAR"),
}

SEE = ("read", "match", "export", "list")
VIEWERS = {
    "red_named_partner": {"owner_analyst", "owner_delegate", "partner_analyst"},
    # AMBER reaches named organisations and the voting members of a named body.
    "amber_named_partner_and_body": {
        "owner_analyst",
        "owner_delegate",
        "partner_analyst",
        "body_member_analyst",  # a voting member of the body the list is distributed to
    },
    "amber_strict_own": {"owner_analyst", "owner_delegate"},
    "green_body": {"owner_analyst", "owner_delegate", "body_member_analyst"},
    "clear": {a for a in ACTORS if a not in {"anonymous"}},
}
WORKERS = {"owner_analyst", "partner_analyst", "body_member_analyst", "third_analyst"}


def _expected(actor: str, action: str, resource: str) -> bool:
    viewers = VIEWERS[resource]
    if action in SEE:
        return actor in viewers
    if action in ("create", "update", "delete", "manage"):
        return actor == "owner_analyst"
    if action in ("vote", "respond"):
        return actor in viewers and actor in WORKERS and actor != "owner_analyst"
    return False


@pytest.mark.parametrize("resource", LISTS)
@pytest.mark.parametrize("action", [a.value for a in Action])
@pytest.mark.parametrize("actor", ACTORS)
def test_list_matrix(actor: str, action: str, resource: str) -> None:
    assert can(ACTORS[actor], action, LISTS[resource]) is _expected(actor, action, resource)


def test_third_organisation_sees_nothing_it_is_not_given() -> None:
    third = ACTORS["third_analyst"]
    for name, hash_list in LISTS.items():
        if name == "clear":
            continue
        assert not any(can(third, a, hash_list) for a in Action), name


@pytest.mark.parametrize("actor", ACTORS)
def test_only_workers_create_lists(actor: str) -> None:
    allowed = actor in WORKERS | {"owner_analyst"}
    assert can(ACTORS[actor], Action.CREATE, HashList) is allowed


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", [a.value for a in Action])
def test_sightings_only_for_the_owner(actor: str, action: str) -> None:
    sighting = Sighting(id="s", list_owner_organisation_id=OWNER)
    allowed = actor == "owner_analyst" and action in ("read", "list")
    assert can(ACTORS[actor], action, sighting) is allowed


def test_read_token_matches_but_does_not_change() -> None:
    token = Actor(
        user_id="u-t",
        label="token",
        organisation_id=OWNER,
        roles=frozenset({"analyst"}),
        scopes=frozenset({"read"}),
    )
    hash_list = LISTS["amber_strict_own"]
    assert can(token, Action.MATCH, hash_list)
    assert can(token, Action.EXPORT, hash_list)
    assert not can(token, Action.UPDATE, hash_list)
