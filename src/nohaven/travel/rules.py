"""Policy rules of the travel domain, registered with `nohaven.auth.policy.rule`.

Imported by `nohaven.auth.policy` so that `can()` knows every resource kind.

A travel notification is TLP:RED: only the sending organisation and the named receiving
organisations see it, and within them only analysts and organisation admins. The secretariat
manages points of contact but never reads a notification.
"""

from __future__ import annotations

from typing import Any

from nohaven.auth.actor import Actor
from nohaven.auth.policy import READ_ACTIONS, Action, rule, tlp_allows
from nohaven.members.models import OrganisationKind, UserRole

_CASEWORK_ROLES = frozenset({UserRole.ANALYST.value, UserRole.ORG_ADMIN.value})


def _law_enforcement(actor: Actor) -> bool:
    return actor.organisation_kind == OrganisationKind.LAW_ENFORCEMENT.value


@rule("travel_point_of_contact")
def _point_of_contact(actor: Actor, action: Action, _contact: Any) -> bool:
    if action in READ_ACTIONS:
        return True  # senders must see where a notification would go before sending
    return actor.is_secretariat


@rule("travel_notification")
def _notification(actor: Actor, action: Action, notification: Any) -> bool:
    if not _law_enforcement(actor) or not (actor.roles & _CASEWORK_ROLES):
        return False
    if isinstance(notification, type):
        if action == Action.CREATE:
            return actor.has(UserRole.ANALYST)
        return action == Action.LIST  # the service lists only what the actor may read
    sender: str = notification.sender_organisation_id
    receivers = list(notification.recipient_organisation_ids or [])
    visible = tlp_allows(
        actor,
        owner_organisation_id=sender,
        tlp=notification.tlp,
        audience_organisation_ids=receivers,
    )
    if not visible:
        return False
    is_sender = bool(actor.organisation_id == sender)
    is_receiver = actor.organisation_id in receivers
    match action:
        case Action.READ | Action.LIST:
            return True
        case Action.UPDATE | Action.DELETE:
            # Amend or withdraw: an analyst of the sending agency.
            return is_sender and actor.has(UserRole.ANALYST)
        case Action.RESPOND:
            # Acknowledge, respond, lodge a complaint: the receiving agency.
            return is_receiver and not is_sender
        case Action.MANAGE:
            # Resolve a complaint: the sending agency.
            return is_sender
    return False
