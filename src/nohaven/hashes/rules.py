"""Policy rules of the hashes domain, registered with `nohaven.auth.policy.rule`.

Imported by `nohaven.auth.policy` so that `can()` knows every resource kind.

- A hash list is seen (read, matched, exported, fed) by its owner organisation and by whoever
  its TLP label and distribution admit (`tlp_allows`). The secretariat has no special right:
  hash lists are law-enforcement data.
- The owner organisation's analysts and org admins change the list and its entries (UPDATE)
  and label and share it (MANAGE).
- Other organisations that see a list vote on its entries' classification (VOTE) and give
  match feedback (RESPOND); the owner does neither on its own entries.
- A sighting is seen only by the list owner's organisation.
- The export rules (which classifications each destination country may receive) are read
  by every member and set by the secretariat.
"""

from __future__ import annotations

from typing import Any

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, rule, tlp_allows
from nohaven.members.models import UserRole

_SEE = frozenset({Action.READ, Action.MATCH, Action.EXPORT})
_WORKERS = (UserRole.ANALYST, UserRole.ORG_ADMIN)


def _works_on_hashes(actor: Actor) -> bool:
    return actor.organisation_id is not None and any(actor.has(r) for r in _WORKERS)


def sees(actor: Actor, hash_list: Any) -> bool:
    return tlp_allows(
        actor,
        owner_organisation_id=hash_list.owner_organisation_id,
        tlp=hash_list.tlp,
        audience_organisation_ids=hash_list.audience_organisation_ids or (),
        audience_body_ids=hash_list.audience_body_ids or (),
    )


@rule("hash_list")
def _hash_list(actor: Actor, action: Action, hash_list: Any) -> bool:
    if isinstance(hash_list, type):
        if action in (Action.LIST, Action.MATCH):
            return actor.organisation_id is not None  # services filter list by list
        if action == Action.CREATE:
            return _works_on_hashes(actor)
        return False
    owner = hash_list.owner_organisation_id == actor.organisation_id
    if action in _SEE or action == Action.LIST:
        return sees(actor, hash_list)
    if action in (Action.CREATE, Action.UPDATE, Action.DELETE, Action.MANAGE):
        return owner and _works_on_hashes(actor)
    if action in (Action.VOTE, Action.RESPOND):
        return not owner and _works_on_hashes(actor) and sees(actor, hash_list)
    return False


@rule("hash_sighting")
def _hash_sighting(actor: Actor, action: Action, sighting: Any) -> bool:
    if action not in (Action.LIST, Action.READ):
        return False  # sightings are written by matching, never edited
    if isinstance(sighting, type):
        return actor.organisation_id is not None  # services filter to the owner's lists
    return _works_on_hashes(actor) and sighting.list_owner_organisation_id == actor.organisation_id


@rule("hash_export_rule")
def _hash_export_rule(actor: Actor, action: Action, _rule: Any) -> bool:
    if action in (Action.LIST, Action.READ):
        return actor.organisation_id is not None
    if action in (Action.CREATE, Action.UPDATE, Action.DELETE):
        return actor.has(UserRole.SECRETARIAT_ADMIN)
    return False
