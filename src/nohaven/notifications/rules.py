"""Policy rules of the notifications domain: an inbox belongs to its organisation."""

from __future__ import annotations

from typing import Any

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, rule


@rule("notice")
def _notice(actor: Actor, action: Action, notice: Any) -> bool:
    if action == Action.LIST:
        return actor.organisation_id is not None  # services filter to the own inbox
    if action in {Action.READ, Action.UPDATE}:
        return getattr(notice, "organisation_id", None) == actor.organisation_id
    return False  # notices are created by services on behalf of the system, never by hand


@rule("mail_message")
def _mail_message(actor: Actor, action: Action, message: Any) -> bool:
    # The outbox and its delivery log are the secretariat's to watch (bounces, failures) and
    # to send again; an organisation sees its notices in its inbox, not its people's e-mail.
    return actor.is_secretariat and action in {Action.LIST, Action.READ, Action.UPDATE}
