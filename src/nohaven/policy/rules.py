"""Policy rules of the policy domain, registered with `nohaven.auth.policy.rule`.

Imported by `nohaven.auth.policy` so that `can()` knows every resource kind.
"""

from __future__ import annotations

from typing import Any

from nohaven.auth.actor import Actor
from nohaven.auth.policy import READ_ACTIONS, Action, rule
from nohaven.members.models import UserRole

# Who may assess countries and review other organisations' assessments (not observers).
ASSESSOR_ROLES = frozenset({UserRole.DELEGATE, UserRole.ANALYST, UserRole.ORG_ADMIN})
# Who may change or share an organisation's maturity self-assessment.
MATURITY_EDITOR_ROLES = frozenset({UserRole.DELEGATE, UserRole.ORG_ADMIN})


def _has_any(actor: Actor, roles: frozenset[UserRole]) -> bool:
    return any(actor.has(role) for role in roles)


def may_assess(actor: Actor) -> bool:
    return actor.organisation_id is not None and (
        actor.is_secretariat or _has_any(actor, ASSESSOR_ROLES)
    )


def may_review(actor: Actor, assessment: Any) -> bool:
    """A second person, of another organisation or of the secretariat, approves: never the
    assessor, never a colleague of the assessor's organisation unless of the secretariat."""
    if actor.user_id is None or actor.user_id == assessment.assessor_id:
        return False
    if actor.is_secretariat:
        return True
    return _has_any(actor, ASSESSOR_ROLES) and actor.organisation_id not in {
        None,
        assessment.organisation_id,
    }


@rule("policy_framework")
def _framework(actor: Actor, action: Action, _framework: Any) -> bool:
    if action in READ_ACTIONS:
        return True
    return action == Action.CREATE and actor.is_secretariat


@rule("policy_assessment")
def _assessment(actor: Actor, action: Action, assessment: Any) -> bool:
    if isinstance(assessment, type):
        if action in {Action.LIST, Action.EXPORT}:
            return True  # services list only what each actor may read
        return action == Action.CREATE and may_assess(actor)
    state = assessment.state
    own = actor.organisation_id is not None and actor.organisation_id == assessment.organisation_id
    if action in READ_ACTIONS:
        if state == "approved":
            return True  # approved findings are the alliance's shared picture
        if own or actor.is_secretariat:
            return True
        return state == "submitted" and may_review(actor, assessment)
    if action == Action.CREATE:
        return may_assess(actor) and (own or actor.is_secretariat)
    if action in {Action.UPDATE, Action.DELETE}:
        return state in {"draft", "rejected"} and own and may_assess(actor)
    if action == Action.MANAGE:
        return state == "submitted" and may_review(actor, assessment)
    return False


@rule("policy_maturity")
def _maturity(actor: Actor, action: Action, maturity: Any) -> bool:
    if isinstance(maturity, type):
        return action == Action.LIST  # each organisation lists its own and what it is shown
    own = actor.organisation_id is not None and actor.organisation_id == maturity.organisation_id
    if action in READ_ACTIONS:
        if own:
            return True
        # Private unless shared with a body the reader's organisation sits in; the secretariat
        # has no special view of it.
        shared_bodies = getattr(maturity, "shared_body_ids", ())
        return any(actor.in_body(body_id) for body_id in shared_bodies)
    if action in {Action.CREATE, Action.UPDATE, Action.MANAGE}:
        return own and _has_any(actor, MATURITY_EDITOR_ROLES)
    return False
