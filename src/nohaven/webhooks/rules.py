"""Policy rules of the webhooks domain: an organisation's endpoints, their secrets and their
delivery log are its admins' alone (the secretariat included: its own, never another's)."""

from __future__ import annotations

from typing import Any

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, rule
from nohaven.members.models import UserRole

_ADMINS = frozenset({UserRole.ORG_ADMIN.value, UserRole.SECRETARIAT_ADMIN.value})
_ACTIONS = frozenset({Action.LIST, Action.READ, Action.CREATE, Action.UPDATE, Action.DELETE})


def is_admin(actor: Actor) -> bool:
    return actor.organisation_id is not None and bool(actor.roles & _ADMINS)


@rule("webhook_endpoint")
def _endpoint(actor: Actor, action: Action, endpoint: Any) -> bool:
    if action not in _ACTIONS or not is_admin(actor):
        return False
    if action == Action.LIST:
        return True  # services list the actor's own organisation's endpoints only
    return getattr(endpoint, "organisation_id", None) == actor.organisation_id
