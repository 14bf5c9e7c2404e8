"""The one policy, as a matrix of actors × actions × resources, including an organisation
reaching for another organisation's data."""

from __future__ import annotations

from typing import Any

import pytest

from nohaven.audit.models import AuditEntry
from nohaven.auth.actor import Actor
from nohaven.auth.models import ApiToken
from nohaven.auth.policy import Action, can, tlp_allows
from nohaven.members.models import Body, Invitation, Membership, Organisation, User
from nohaven.notifications.models import Notice

A, B = "org-a", "org-b"


def _actor(
    role: str | None, org: str = A, *, scopes: frozenset[str] | None = None, user_id: str = "u-1"
) -> Actor:
    return Actor(
        user_id=user_id,
        label=f"{role}@{org}",
        organisation_id=org,
        roles=frozenset({role}) if role else frozenset(),
        scopes=scopes,
    )


ACTORS = {
    "secretariat": _actor("secretariat_admin", "sec", user_id="u-sec"),
    "org_admin_a": _actor("org_admin"),
    "analyst_a": _actor("analyst"),
    "delegate_a": _actor("delegate"),
    "observer_a": _actor("observer"),
    "org_admin_b": _actor("org_admin", B, user_id="u-2"),
    "read_token_admin_a": _actor("org_admin", scopes=frozenset({"read"})),
    "anonymous": Actor(user_id=None, label="anonymous"),
}

RESOURCES: dict[str, Any] = {
    "org_a": Organisation(id=A, name="A", kind="government"),
    "body": Body(id="b", name="Body", slug="body"),
    "membership": Membership(id="m", organisation_id=A, body_id="b", role="member"),
    "user_a": User(id="u-9", organisation_id=A, roles=["analyst"]),
    "user_a_as_secretariat": User(id="u-9", organisation_id=A, roles=["secretariat_admin"]),
    "invitation_a": Invitation(id="i", organisation_id=A, roles=["analyst"]),
    "token_of_self": ApiToken(id="t", user_id="u-1", organisation_id=A),
    "token_of_colleague": ApiToken(id="t2", user_id="u-9", organisation_id=A),
    "audit_a": AuditEntry(seq=1, organisation_id=A),
    "notice_a": Notice(id="n", organisation_id=A),
}

# (actor, action, resource) -> allowed; every combination not listed here is denied.
ALLOWED = {
    # the directory is readable by every account
    *(
        (a, act, r)
        for a in ACTORS
        if a != "anonymous"
        for act in ("read", "list")
        for r in ("org_a", "body", "membership")
    ),
    *(
        (a, "export", r)
        for a in ACTORS
        if a != "anonymous"
        for r in ("org_a", "body", "membership")
    ),
    ("secretariat", "update", "org_a"),
    ("org_admin_a", "update", "org_a"),
    ("secretariat", "create", "org_a"),
    ("secretariat", "delete", "org_a"),
    *(
        ("secretariat", act, r)
        for act in ("create", "update", "delete")
        for r in ("body", "membership")
    ),
    # users and invitations: the secretariat, and the organisation's own admin
    *(
        ("secretariat", act, r)
        for act in ("read", "list", "create", "update", "delete", "export")
        for r in ("user_a", "user_a_as_secretariat", "invitation_a")
    ),
    *(
        ("org_admin_a", act, r)
        for act in ("read", "list", "create", "update", "delete", "export")
        for r in ("user_a", "invitation_a")
    ),
    *(
        ("org_admin_a", act, "user_a_as_secretariat")
        for act in ("read", "list", "delete", "export")
    ),
    *(
        ("read_token_admin_a", act, r)
        for act in ("read", "list", "export")
        for r in ("user_a", "user_a_as_secretariat", "invitation_a")
    ),
    ("org_admin_b", "list", "user_a"),
    ("org_admin_b", "list", "user_a_as_secretariat"),
    ("org_admin_b", "list", "invitation_a"),
    # tokens: one's own; an org admin may read and revoke colleagues'
    *(
        (a, act, "token_of_self")
        for a in ("org_admin_a", "analyst_a", "delegate_a", "observer_a")
        for act in ("create", "read", "update", "delete")
    ),
    *(
        (a, act, t)
        for a in ACTORS
        if a != "anonymous"
        for act in ("list",)
        for t in ("token_of_self", "token_of_colleague")
    ),
    ("read_token_admin_a", "read", "token_of_self"),
    ("org_admin_a", "read", "token_of_colleague"),
    ("org_admin_a", "delete", "token_of_colleague"),
    ("read_token_admin_a", "read", "token_of_colleague"),
    ("secretariat", "read", "token_of_self"),
    ("secretariat", "delete", "token_of_self"),
    ("secretariat", "read", "token_of_colleague"),
    ("secretariat", "delete", "token_of_colleague"),
    # audit: read-only for everyone; the secretariat all of it, an org admin their own
    *(("secretariat", act, "audit_a") for act in ("read", "list", "export")),
    *(("org_admin_a", act, "audit_a") for act in ("read", "list", "export")),
    *(("read_token_admin_a", act, "audit_a") for act in ("read", "list", "export")),
    ("org_admin_b", "list", "audit_a"),
    # the inbox belongs to its organisation
    *(
        (a, act, "notice_a")
        for a in ("org_admin_a", "analyst_a", "delegate_a", "observer_a")
        for act in ("read", "list", "update")
    ),
    ("read_token_admin_a", "read", "notice_a"),
    ("read_token_admin_a", "list", "notice_a"),
    ("secretariat", "list", "notice_a"),
    ("org_admin_b", "list", "notice_a"),
}

CRUD = ("list", "read", "create", "update", "delete", "export")


@pytest.mark.parametrize("resource", sorted(RESOURCES))
@pytest.mark.parametrize("actor", sorted(ACTORS))
def test_policy_matrix(actor: str, resource: str) -> None:
    target = RESOURCES[resource]
    for action in CRUD:
        # LIST is asked of the class when listing; the matrix asks it of an instance too.
        subject = type(target) if action == "list" else target
        expected = (actor, action, resource) in ALLOWED
        assert can(ACTORS[actor], action, subject) is expected, (actor, action, resource)


def test_unknown_resources_are_denied_even_to_the_system() -> None:
    assert not can(Actor.system(), Action.READ, object())


def test_audit_is_append_only_even_for_the_secretariat() -> None:
    entry = RESOURCES["audit_a"]
    for action in ("update", "delete", "create"):
        assert not can(ACTORS["secretariat"], action, entry)


@pytest.mark.parametrize(
    ("tlp", "named", "seat", "expected"),
    [
        ("TLP:RED", False, "member", False),
        ("TLP:RED", True, None, True),
        ("TLP:AMBER+STRICT", False, "member", True),
        ("TLP:AMBER+STRICT", False, "observer", False),
        ("TLP:AMBER", False, "chair", True),
        ("TLP:AMBER", False, "affiliate", False),
        ("TLP:AMBER", True, None, True),
        ("TLP:AMBER", False, None, False),
        ("TLP:GREEN", False, "affiliate", True),
        ("TLP:GREEN", False, None, False),
        ("TLP:CLEAR", False, None, True),
    ],
)
def test_tlp_distribution(tlp: str, named: bool, seat: str | None, expected: bool) -> None:
    """RED reaches named organisations only; AMBER also a body's voting members; GREEN everyone
    with a seat in the body; CLEAR everyone."""
    actor = Actor(
        user_id="u",
        label="x",
        organisation_id=B,
        body_roles={"body-1": seat} if seat else {},
    )
    assert (
        tlp_allows(
            actor,
            owner_organisation_id=A,
            tlp=tlp,
            audience_organisation_ids=[B] if named else [],
            audience_body_ids=["body-1"],
        )
        is expected
    )
    owner = Actor(user_id="o", label="o", organisation_id=A)
    assert tlp_allows(owner, owner_organisation_id=A, tlp=tlp)
