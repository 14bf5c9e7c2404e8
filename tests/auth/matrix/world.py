"""The cast and the things of the policy matrix: one resource of every registered kind, owned
by organisation A (a law-enforcement agency with a voting seat in body A), and actors of A, of
the secretariat and of other organisations.

Resources are unsaved ORM objects: the policy decides on their attributes alone."""

from __future__ import annotations

from typing import Any

from nohaven.audit.models import AuditCheckpoint, AuditEntry
from nohaven.auth.actor import Actor
from nohaven.auth.models import ApiToken
from nohaven.auth.policy import Action
from nohaven.deconfliction.models import Case, Hit, HitParty, KeyEpoch, QuotaBucket, Registration
from nohaven.federation.models import Peer, Subscription
from nohaven.governance.models import (
    AgendaItem,
    CaseStudy,
    ContactMessage,
    Initiative,
    Meeting,
    MembershipApplication,
    MissionStatement,
    Motion,
    ProgressReport,
    StandingOrders,
    Statement,
)
from nohaven.hashes.models import ExportRule, HashList, Sighting
from nohaven.members.models import Body, Invitation, Membership, Organisation, User
from nohaven.notifications.models import Notice, OutboxMessage
from nohaven.operations.models import (
    ActionDay,
    Activity,
    Briefing,
    Participant,
    Referral,
    ResultReport,
)
from nohaven.policy.models import Assessment, Framework, MaturityAssessment
from nohaven.travel.models import PointOfContact, TravelNotification
from nohaven.webhooks.models import Endpoint

A, B, C, SEC = "org-a", "org-b", "org-c", "org-sec"
BODY_A, BODY_B = "body-a", "body-b"
LE = "law_enforcement"
ALL_ORG_ROLES = frozenset({"org_admin", "analyst", "delegate"})
ALL_ACTIONS = tuple(Action)
READS = frozenset({Action.LIST, Action.READ, Action.EXPORT})


def _actor(
    name: str,
    org: str,
    roles: frozenset[str],
    *,
    kind: str = LE,
    seats: dict[str, str] | None = None,
    scopes: frozenset[str] | None = None,
) -> Actor:
    return Actor(
        user_id=f"u-{name}",
        label=name,
        organisation_id=org,
        organisation_kind=kind,
        roles=roles,
        body_roles=seats or {},
        scopes=scopes,
    )


INSIDERS: dict[str, Actor] = {
    # A's delegate and admin, A holding the chair of body A.
    "chair_a": _actor("chair_a", A, frozenset({"delegate", "org_admin"}), seats={BODY_A: "chair"}),
    "delegate_a": _actor("delegate_a", A, frozenset({"delegate"}), seats={BODY_A: "member"}),
    "analyst_a": _actor("analyst_a", A, frozenset({"analyst"}), seats={BODY_A: "member"}),
    "secretariat": _actor(
        "secretariat", SEC, frozenset({"secretariat_admin"}), kind="intergovernmental"
    ),
}

# Other organisations' users holding every organisation role: with no seat anywhere, with a
# chair of another body, and through a read-only API token.
OUTSIDERS: dict[str, Actor] = {
    "outsider": _actor("outsider", B, ALL_ORG_ROLES),
    "outsider_chairing_elsewhere": _actor(
        "outsider_chairing_elsewhere", B, ALL_ORG_ROLES, seats={BODY_B: "chair"}
    ),
    "outsider_read_token": _actor(
        "outsider_read_token", B, ALL_ORG_ROLES, scopes=frozenset({"read"})
    ),
}


def _agenda_item() -> AgendaItem:
    # An item belongs to its meeting's body (AgendaItem.body_id reads it from the meeting).
    return AgendaItem(id="ai-a", meeting_id="mt-a", meeting=Meeting(id="mt-a", body_id=BODY_A))


def _operation() -> Activity:
    # Led by A in body A, with C taking part; the lead lets the body see its code name.
    return Activity(
        id="op-a",
        body_id=BODY_A,
        kind="operation",
        lead_organisation_id=A,
        tlp="TLP:RED",
        participant_organisation_ids=[A, C],
        invited_organisation_ids=[],
        code_name_visible=True,
    )


def _resources() -> dict[str, Any]:
    operation = _operation()
    return {
        "organisation": Organisation(id=A, name="A", kind=LE),
        "body": Body(id=BODY_A, name="Body A", slug="body-a"),
        "membership": Membership(id="ms-a", organisation_id=A, body_id=BODY_A, role="member"),
        "user": User(id="u-colleague", organisation_id=A, roles=["analyst"]),
        "invitation": Invitation(id="inv-a", organisation_id=A, roles=["analyst"]),
        "api_token": ApiToken(id="tok-a", user_id="u-colleague", organisation_id=A),
        "audit_entry": AuditEntry(seq=1, organisation_id=A),
        "audit_checkpoint": AuditCheckpoint(seq=1),
        "notice": Notice(id="n-a", organisation_id=A),
        "mail_message": OutboxMessage(id="mail-a", kind="notice", to_address="a@example.org"),
        "webhook_endpoint": Endpoint(id="wh-a", organisation_id=A),
        "standing_orders": StandingOrders(body_id=BODY_A),
        "motion": Motion(id="mo-a", body_id=BODY_A),
        "meeting": Meeting(id="mt-a", body_id=BODY_A),
        "initiative": Initiative(id="in-a", body_id=BODY_A, organisation_id=A),
        "agenda_item": _agenda_item(),
        "statement": Statement(id="st-a", body_id=BODY_A, status="draft"),
        "mission": MissionStatement(id="mi-a", body_id=BODY_A),
        "progress_report": ProgressReport(id="pr-a", organisation_id=A),
        "case_study": CaseStudy(id="cs-a", body_id=BODY_A, organisation_id=A, published=False),
        "application": MembershipApplication(id="ap-a", body_id=BODY_A, organisation_id=A),
        "contact_message": ContactMessage(id="cm-a", body_id=BODY_A),
        "policy_framework": Framework(id="fw"),
        "policy_assessment": Assessment(
            id="as-a", organisation_id=A, assessor_id="u-colleague", state="draft"
        ),
        "policy_maturity": MaturityAssessment(id="ma-a", organisation_id=A),
        "hash_list": HashList(
            id="hl-a",
            owner_organisation_id=A,
            tlp="TLP:AMBER",
            audience_organisation_ids=[C],
            audience_body_ids=[BODY_A],
        ),
        "hash_sighting": Sighting(id="si-a", list_owner_organisation_id=A, organisation_id=A),
        "federation_peer": Peer(id="pe-a", organisation_id=A),
        "hash_export_rule": ExportRule(id="er-a", country="NL"),
        "federation_subscription": Subscription(id="fs-a", organisation_id=A),
        "deconfliction_case": Case(id="ca-a", organisation_id=A),
        "deconfliction_registration": Registration(id="re-a", organisation_id=A),
        "deconfliction_hit": Hit(id="hi-a"),
        "deconfliction_hit_party": HitParty(id="hp-a", organisation_id=A),
        "deconfliction_quota": QuotaBucket(organisation_id=A),
        "deconfliction_key": KeyEpoch(),
        "travel_point_of_contact": PointOfContact(id="pc-a", organisation_id=A),
        "travel_notification": TravelNotification(
            id="tn-a", sender_organisation_id=A, recipient_organisation_ids=[C], tlp="TLP:RED"
        ),
        "operation": operation,
        "operation_participant": Participant(id="pa-a", organisation_id=A, activity=operation),
        "operation_action_day": ActionDay(id="ad-a", activity=operation),
        "operation_briefing": Briefing(
            id="br-a", author_organisation_id=A, activity=operation, tlp="TLP:RED"
        ),
        "operation_result": ResultReport(id="rr-a", organisation_id=A, activity=operation),
        "operation_referral": Referral(
            id="rf-a", sender_organisation_id=A, receiver_organisation_id=C
        ),
    }


RESOURCES: dict[str, Any] = _resources()


def mismatches(
    actors: dict[str, Actor], expected: dict[str, dict[str, frozenset[Action]]]
) -> list[str]:
    """Every (actor, action, kind) whose answer differs from ``expected`` (kind -> actor ->
    allowed actions; every action not named is denied)."""
    from nohaven.auth.policy import can

    wrong = []
    for kind, by_actor in expected.items():
        for name, allowed in by_actor.items():
            for action in ALL_ACTIONS:
                answer = can(actors[name], action, RESOURCES[kind])
                if answer is not (action in allowed):
                    wrong.append(f"{name} {action.value} {kind}: policy says {answer}")
    return wrong
