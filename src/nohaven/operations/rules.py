"""Policy rules of the operations domain, registered with `nohaven.auth.policy.rule`.

* An operation is need to know: its participants' caseworkers (analysts and organisation
  admins of the participating law-enforcement agencies) read it. Anyone else with a seat in
  the body sees at most its code name in the programme (``list``), and only when the lead
  allows; another body's members see nothing. A campaign or a product follows its TLP label
  within the body.
* The lead runs it (``update``, ``manage``): phases, invitations, action days, the statement.
  An invited agency answers (``respond``).
* A referral is read by its sender and its receiver only, never by the other participants;
  the receiver acknowledges it and records the outcome (``respond``).
* Briefings and results are for the accepted participants; each reports its own figures.
"""

from __future__ import annotations

from typing import Any

from nohaven.auth.actor import Actor
from nohaven.auth.policy import READ_ACTIONS, Action, rule, tlp_allows
from nohaven.members.models import OrganisationKind, UserRole

_CASEWORK_ROLES = frozenset({UserRole.ANALYST.value, UserRole.ORG_ADMIN.value})
_PROGRAMME_ROLES = _CASEWORK_ROLES | {UserRole.DELEGATE.value}


def caseworker(actor: Actor) -> bool:
    return actor.organisation_kind == OrganisationKind.LAW_ENFORCEMENT.value and bool(
        actor.roles & _CASEWORK_ROLES
    )


def _works_on(actor: Actor, activity: Any) -> bool:
    """The actor's role lets it work on this kind of activity."""
    if activity.kind == "operation":
        return caseworker(actor)
    return bool(actor.roles & _PROGRAMME_ROLES)


def participants(activity: Any) -> set[str]:
    return set(activity.participant_organisation_ids or []) | {activity.lead_organisation_id}


def _reads(actor: Actor, activity: Any) -> bool:
    """The full record: named participants (and invitees, who must see what they are asked to
    join) within the TLP label, with the role the kind of activity needs."""
    if not _works_on(actor, activity) and activity.kind == "operation":
        return False
    audience = participants(activity) | set(activity.invited_organisation_ids or [])
    return tlp_allows(
        actor,
        owner_organisation_id=activity.lead_organisation_id,
        tlp=activity.tlp,
        audience_organisation_ids=audience,
        audience_body_ids=[activity.body_id],
    )


def is_participant(actor: Actor, activity: Any) -> bool:
    return actor.organisation_id in participants(activity) and _works_on(actor, activity)


def _leads(actor: Actor, activity: Any) -> bool:
    return actor.organisation_id == activity.lead_organisation_id and _works_on(actor, activity)


@rule("operation")
def _operation(actor: Actor, action: Action, activity: Any) -> bool:
    if isinstance(activity, type):
        return action == Action.LIST  # the service lists only what the actor may see
    match action:
        case Action.LIST:
            # In the programme: in full to readers, by code name to the body if allowed.
            return _reads(actor, activity) or (
                actor.in_body(activity.body_id) and bool(activity.code_name_visible)
            )
        case Action.READ | Action.EXPORT:
            return _reads(actor, activity)
        case Action.CREATE:
            # Proposed by a member agency of the body, as its own lead.
            return actor.in_body(activity.body_id) and _leads(actor, activity)
        case Action.UPDATE | Action.MANAGE:
            return _leads(actor, activity)
        case Action.RESPOND:
            invited = set(activity.invited_organisation_ids or [])
            return actor.organisation_id in invited and _works_on(actor, activity)
    return False


def _of(child: Any) -> Any:
    return child.activity


@rule("operation_participant")
def _participant(actor: Actor, action: Action, participant: Any) -> bool:
    if isinstance(participant, type):
        return action == Action.LIST
    activity = _of(participant)
    own = participant.organisation_id == actor.organisation_id
    if action in READ_ACTIONS:
        return _reads(actor, activity)
    if action in {Action.CREATE, Action.DELETE}:
        return _leads(actor, activity) and not own  # invite or remove another agency
    if action == Action.UPDATE:
        # Its own point of contact and time zone, while it takes part or is asked to.
        return own and _reads(actor, activity)
    if action == Action.RESPOND:
        return own and _operation(actor, Action.RESPOND, activity)
    return False


@rule("operation_action_day")
def _action_day(actor: Actor, action: Action, day: Any) -> bool:
    if isinstance(day, type):
        return action == Action.LIST
    activity = _of(day)
    if action in READ_ACTIONS:
        return _reads(actor, activity)
    return action in {Action.CREATE, Action.UPDATE, Action.DELETE} and _leads(actor, activity)


@rule("operation_briefing")
def _briefing(actor: Actor, action: Action, briefing: Any) -> bool:
    if isinstance(briefing, type):
        return action == Action.LIST
    activity = _of(briefing)
    if not is_participant(actor, activity):
        return False  # invitees see the operation, not its briefings, until they join
    if action in READ_ACTIONS or action == Action.CREATE:
        return True
    own = briefing.author_organisation_id == actor.organisation_id
    return action in {Action.UPDATE, Action.DELETE} and own


@rule("operation_result")
def _result(actor: Actor, action: Action, result: Any) -> bool:
    if isinstance(result, type):
        return action == Action.LIST
    activity = _of(result)
    if not is_participant(actor, activity):
        return False
    if action in READ_ACTIONS:
        return True  # totals and per-country figures are for every participant
    own = result.organisation_id == actor.organisation_id
    return action in {Action.CREATE, Action.UPDATE} and own


@rule("operation_referral")
def _referral(actor: Actor, action: Action, referral: Any) -> bool:
    if not caseworker(actor):
        return False
    if isinstance(referral, type):
        return action == Action.LIST
    sender = bool(referral.sender_organisation_id == actor.organisation_id)
    receiver = bool(referral.receiver_organisation_id == actor.organisation_id)
    match action:
        case Action.READ:
            return sender or receiver
        case Action.CREATE | Action.MATCH:
            # Sending, and checking its selectors blind first: the sender (the service
            # checks that both agencies take part in the operation).
            return sender and not receiver
        case Action.RESPOND:
            return receiver and not sender  # acknowledge, record the outcome
    return False
