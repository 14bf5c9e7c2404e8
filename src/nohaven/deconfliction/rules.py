"""Policy rules of the deconfliction domain, registered with `nohaven.auth.policy.rule`.

Imported by `nohaven.auth.policy` so that `can()` knows every resource kind.

Deconfliction is for analysts of law-enforcement agencies, each seeing only its own cases,
registrations and sides of hits. The secretariat sees quotas and statistics (counts), never
registrations or hits; the key is managed by the system (the operator's command).
"""

from __future__ import annotations

from typing import Any

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, rule
from nohaven.members.models import OrganisationKind, UserRole


def _analyst(actor: Actor) -> bool:
    return actor.organisation_kind == OrganisationKind.LAW_ENFORCEMENT.value and actor.has(
        UserRole.ANALYST
    )


def _own(actor: Actor, resource: Any) -> bool:
    if isinstance(resource, type):
        return True  # listing and creating: services scope to the actor's organisation
    return bool(getattr(resource, "organisation_id", None) == actor.organisation_id)


@rule("deconfliction_case")
def _case(actor: Actor, action: Action, case: Any) -> bool:
    allowed = {Action.LIST, Action.READ, Action.CREATE, Action.UPDATE}
    return action in allowed and _analyst(actor) and _own(actor, case)


@rule("deconfliction_registration")
def _registration(actor: Actor, action: Action, registration: Any) -> bool:
    allowed = {Action.LIST, Action.READ, Action.CREATE, Action.MATCH}
    return action in allowed and _analyst(actor) and _own(actor, registration)


@rule("deconfliction_hit")
def _hit(actor: Actor, action: Action, _hit: Any) -> bool:
    # Hits are read through the reader's own side (hit party); listing is scoped by service.
    return action == Action.LIST and _analyst(actor)


@rule("deconfliction_hit_party")
def _hit_party(actor: Actor, action: Action, party: Any) -> bool:
    allowed = {Action.READ, Action.UPDATE, Action.RESPOND}
    return action in allowed and _analyst(actor) and _own(actor, party)


@rule("deconfliction_quota")
def _quota(actor: Actor, action: Action, _quota: Any) -> bool:
    return action in {Action.LIST, Action.READ} and actor.is_secretariat


@rule("deconfliction_key")
def _key(actor: Actor, _action: Action, _key: Any) -> bool:
    return False  # only the system (the operator's `nohaven deconflict rotate-key`)
