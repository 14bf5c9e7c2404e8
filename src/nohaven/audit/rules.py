"""Policy rules of the audit domain beyond the entries themselves (those are in auth.policy)."""

from __future__ import annotations

from typing import Any

from nohaven.auth.actor import Actor
from nohaven.auth.policy import READ_ACTIONS, Action, rule


@rule("audit_checkpoint")
def _audit_checkpoint(actor: Actor, action: Action, _checkpoint: Any) -> bool:
    # Every member may fetch the signed heads to keep: they name no one and show no content,
    # and their worth is in as many independent copies as possible. Only the signing key
    # (outside the database) makes them, through the service, never by hand.
    if action not in READ_ACTIONS:
        return False
    return actor.is_system or actor.organisation_id is not None
