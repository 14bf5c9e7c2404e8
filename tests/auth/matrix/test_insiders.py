"""Organisation A's own users and the secretariat, asking every action of A's things (every
registered kind). Listed by hand from the rules' intent; every action not listed is denied."""

from __future__ import annotations

from nohaven.auth.policy import Action
from tests.auth.matrix.world import ALL_ACTIONS, INSIDERS, READS, mismatches

ALL = frozenset(ALL_ACTIONS)
NOTHING: frozenset[Action] = frozenset()
L, R, E = Action.LIST, Action.READ, Action.EXPORT
C, U, D = Action.CREATE, Action.UPDATE, Action.DELETE
MATCH, VOTE, PROPOSE = Action.MATCH, Action.VOTE, Action.PROPOSE
MANAGE, RESPOND = Action.MANAGE, Action.RESPOND


def row(
    chair: frozenset[Action] | set[Action],
    delegate: frozenset[Action] | set[Action],
    analyst: frozenset[Action] | set[Action],
    secretariat: frozenset[Action] | set[Action],
) -> dict[str, frozenset[Action]]:
    return {
        "chair_a": frozenset(chair),
        "delegate_a": frozenset(delegate),
        "analyst_a": frozenset(analyst),
        "secretariat": frozenset(secretariat),
    }


# An operation's lead proposes (create), reads, runs (update, manage) it.
OP_LEAD = READS | {C, U, MANAGE}

# kind -> (chair of body A and A's org admin, A's delegate, A's analyst, the secretariat)
EXPECTED: dict[str, dict[str, frozenset[Action]]] = {
    # members and auth: the directory is open; users and tokens to their organisation's admin
    "organisation": row(READS | {U}, READS, READS, ALL),
    "body": row(READS, READS, READS, ALL),
    "membership": row(READS, READS, READS, ALL),
    "user": row(ALL, NOTHING, NOTHING, ALL),
    "invitation": row(ALL, NOTHING, NOTHING, ALL),
    "api_token": row({L, R, D}, {L}, {L}, {L, R, D}),
    "audit_entry": row(READS, NOTHING, NOTHING, READS),
    "audit_checkpoint": row(READS, READS, READS, READS),
    "notice": row({L, R, U}, {L, R, U}, {L, R, U}, {L}),
    "mail_message": row(NOTHING, NOTHING, NOTHING, {L, R, U}),
    # webhooks: where an organisation's events go is its admins' choice alone
    "webhook_endpoint": row({L, R, C, U, D}, NOTHING, NOTHING, {L}),
    # governance: a seat reads, officers run the body, delegates speak and vote
    "standing_orders": row(READS, READS, READS, ALL),
    "motion": row(ALL, READS | {VOTE}, READS, ALL - {VOTE}),
    "meeting": row(ALL, READS, READS, ALL),
    "initiative": row(READS, READS, READS, ALL),
    "agenda_item": row(ALL, READS | {PROPOSE}, READS, ALL),
    "statement": row(ALL, READS | {C, U, PROPOSE}, READS, ALL),
    "mission": row(ALL, READS | {RESPOND}, READS, ALL - {RESPOND}),
    "progress_report": row(ALL, ALL, READS, READS),
    "case_study": row(ALL, ALL, READS, ALL),
    "application": row(ALL, READS | {C}, READS, ALL - {C}),
    "contact_message": row(NOTHING, NOTHING, NOTHING, READS | {U, D}),
    # policy: assessments are the organisation's until approved; maturity is private
    "policy_framework": row(READS, READS, READS, READS | {C}),
    "policy_assessment": row(READS | {C, U, D}, READS | {C, U, D}, READS | {C, U, D}, READS | {C}),
    "policy_maturity": row(READS | {C, U, MANAGE}, READS | {C, U, MANAGE}, READS, NOTHING),
    # hashes: law-enforcement data; the secretariat has no special right
    "hash_list": row(
        {L, R, MATCH, E, C, U, D, MANAGE},
        {L, R, MATCH, E},
        {L, R, MATCH, E, C, U, D, MANAGE},
        NOTHING,
    ),
    "hash_sighting": row({L, R}, NOTHING, {L, R}, NOTHING),
    "hash_export_rule": row({L, R}, {L, R}, {L, R}, {L, R, C, U, D}),
    # federation: the node's admins run the peerings; analysts see the peers to subscribe;
    # a subscription is its organisation's, its org admins decide what goes back
    "federation_peer": row({L, R}, NOTHING, {L, R}, {L, R, C, U, D, MANAGE}),
    "federation_subscription": row({L, R, C, U, D, MANAGE}, NOTHING, {L, R, C, U}, {L, R}),
    # deconfliction: law-enforcement analysts only; the secretariat sees quotas
    "deconfliction_case": row(NOTHING, NOTHING, {L, R, C, U}, NOTHING),
    "deconfliction_registration": row(NOTHING, NOTHING, {L, R, C, MATCH}, NOTHING),
    "deconfliction_hit": row(NOTHING, NOTHING, {L}, NOTHING),
    "deconfliction_hit_party": row(NOTHING, NOTHING, {R, U, RESPOND}, NOTHING),
    "deconfliction_quota": row(NOTHING, NOTHING, NOTHING, {L, R}),
    "deconfliction_key": row(NOTHING, NOTHING, NOTHING, NOTHING),
    # travel: the sending agency's caseworkers; the secretariat never reads a notification
    "travel_point_of_contact": row(READS, READS, READS, ALL),
    "travel_notification": row({L, R, MANAGE}, NOTHING, {L, R, U, D, MANAGE}, NOTHING),
    # operations: the lead's caseworkers run it; A's delegate (not on the case) sees the code
    # name the lead allowed; the secretariat, without a seat in the body, sees nothing
    "operation": row(OP_LEAD, {L}, OP_LEAD, NOTHING),
    "operation_participant": row(READS | {U}, NOTHING, READS | {U}, NOTHING),
    "operation_action_day": row(READS | {C, U, D}, NOTHING, READS | {C, U, D}, NOTHING),
    "operation_briefing": row(READS | {C, U, D}, NOTHING, READS | {C, U, D}, NOTHING),
    "operation_result": row(READS | {C, U}, NOTHING, READS | {C, U}, NOTHING),
    "operation_referral": row({R, C, MATCH}, NOTHING, {R, C, MATCH}, NOTHING),
}


def test_insiders_matrix() -> None:
    assert mismatches(INSIDERS, EXPECTED) == []
