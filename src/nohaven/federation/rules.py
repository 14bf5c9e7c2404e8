"""Policy rules of the federation domain, registered with `nohaven.auth.policy.rule`.

- Peers are the node's own business: its administrators (the secretariat admins of this
  node) request and approve peerings and suspend them; analysts and org admins see them
  (which nodes there are, whether they answer) to subscribe to what they share.
- A subscription belongs to the subscribing organisation: its analysts and org admins see it
  and sync it, its org admins decide whether its sightings go back to the owner; the node's
  administrators see every subscription (they run the node) but change none.
- What a peer may read of this node's lists is not decided here: the peer acts as its
  organisation, and the hashes rules decide for it as for that organisation's users.
"""

from __future__ import annotations

from typing import Any

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, rule
from nohaven.members.models import UserRole

_READS = frozenset({Action.LIST, Action.READ})


@rule("federation_peer")
def _peer(actor: Actor, action: Action, _peer: Any) -> bool:
    if action in _READS and _works_on_hashes(actor):
        return True
    if not actor.has(UserRole.SECRETARIAT_ADMIN):
        return False
    return action in _READS or action in (
        Action.CREATE,
        Action.UPDATE,
        Action.MANAGE,
        Action.DELETE,
    )


def _works_on_hashes(actor: Actor) -> bool:
    return actor.organisation_id is not None and (
        actor.has(UserRole.ANALYST) or actor.has(UserRole.ORG_ADMIN)
    )


@rule("federation_subscription")
def _subscription(actor: Actor, action: Action, subscription: Any) -> bool:
    if isinstance(subscription, type):
        if action == Action.LIST:
            return _works_on_hashes(actor) or actor.has(UserRole.SECRETARIAT_ADMIN)
        return action == Action.CREATE and _works_on_hashes(actor)
    own = subscription.organisation_id == actor.organisation_id
    if action in _READS:
        return (own and _works_on_hashes(actor)) or actor.has(UserRole.SECRETARIAT_ADMIN)
    if action in (Action.CREATE, Action.UPDATE):
        return own and _works_on_hashes(actor)
    if action in (Action.MANAGE, Action.DELETE):
        return own and actor.has(UserRole.ORG_ADMIN)
    return False
