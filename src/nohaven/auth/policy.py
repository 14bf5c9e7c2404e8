"""The one policy: ``can(actor, action, resource)``.

Every service asks it before it reads or changes anything; nothing else decides access.
A resource is an ORM object (or its class, for listing and creating) whose ``policy_kind``
names its rule. The rules of members, auth and audit are below; each other domain keeps its
rules in its ``rules.py``, registered here with ``@rule``. There is still one decision
function, and the whole policy is tested as one matrix.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from nohaven.auth.actor import Actor
from nohaven.errors import Forbidden, NotFound
from nohaven.members.models import UserRole


class Action(enum.StrEnum):
    LIST = "list"
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    # Domain verbs that are not plain CRUD.
    MATCH = "match"
    EXPORT = "export"
    VOTE = "vote"
    PROPOSE = "propose"
    MANAGE = "manage"
    RESPOND = "respond"


class Tlp(enum.StrEnum):
    RED = "TLP:RED"
    AMBER_STRICT = "TLP:AMBER+STRICT"
    AMBER = "TLP:AMBER"
    GREEN = "TLP:GREEN"
    CLEAR = "TLP:CLEAR"


READ_ACTIONS = frozenset({Action.LIST, Action.READ, Action.EXPORT})
# What a `read`-scoped API token may do: reading, and matching (a scan asks, it changes nothing
# but the record of the sighting).
TOKEN_READ_ACTIONS = READ_ACTIONS | {Action.MATCH}

Rule = Callable[[Actor, Action, Any], bool]
_Row = TypeVar("_Row")
_RULES: dict[str, Rule] = {}


def rule(kind: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        _RULES[kind] = fn
        return fn

    return register


def _scope_allows(actor: Actor, action: Action, kind: str) -> bool:
    """An API token narrows what its user may do: `read` for reading, `write` for changes,
    `admin` for administration of users, tokens, the directory and where webhooks go."""
    if actor.scopes is None:
        return True
    if action in TOKEN_READ_ACTIONS:
        return "read" in actor.scopes or "write" in actor.scopes
    if kind in {
        "user",
        "invitation",
        "api_token",
        "organisation",
        "body",
        "membership",
        "webhook_endpoint",
    }:
        return "admin" in actor.scopes
    return "write" in actor.scopes


_domain_rules_loaded = False


def _load_domain_rules() -> None:
    """Import each domain's ``rules`` module once, so its ``@rule`` registrations exist."""
    global _domain_rules_loaded
    if not _domain_rules_loaded:
        from nohaven.domains import domain_modules

        domain_modules("rules")
        _domain_rules_loaded = True


def registered_kinds() -> frozenset[str]:
    """Every resource kind some rule is registered for, the domains' included: what the policy
    matrix must cover."""
    _load_domain_rules()
    return frozenset(_RULES)


def can(actor: Actor, action: Action | str, resource: Any) -> bool:
    _load_domain_rules()
    kind = getattr(resource, "policy_kind", None)
    if kind is None or kind not in _RULES:
        return False  # unknown resources are denied, never allowed by default
    action = Action(action)
    if not _scope_allows(actor, action, kind):
        return False
    if actor.is_system:
        return True
    if actor.user_id is None:
        return False
    return _RULES[kind](actor, action, resource)


def require(actor: Actor, action: Action | str, resource: Any) -> None:
    """Raise unless ``can``. A stored thing the actor may not even read is answered exactly as
    one that does not exist (``hidden``): a 403 would confirm that it is there. Only what the
    actor can see but not change, and checks on classes or on things not yet stored, are 403."""
    if can(actor, action, resource):
        return
    if _stored(resource) and (
        Action(action) in READ_ACTIONS or not can(actor, Action.READ, resource)
    ):
        raise hidden(resource)
    kind = getattr(resource, "policy_kind", type(resource).__name__)
    raise Forbidden(f"You may not {Action(action).value} this {kind}.")


# How a kind is named in "No such …" answers, where its policy name does not read well.
_NOUNS = {
    "api_token": "API token",
    "application": "membership application",
    "mission": "mission statement",
    "contact_message": "message",
    "deconfliction_hit": "hit",
    "deconfliction_case": "case",
    "operation_participant": "participant",
    "operation_action_day": "action day",
    "operation_briefing": "briefing",
    "operation_referral": "referral",
    "operation_result": "result",
}


def hidden(resource: Any) -> NotFound:
    """The one answer for "does not exist" and "exists but not for you", per kind: services
    raise it for a missing row, ``require`` for a hidden one, and the two cannot differ."""
    kind = resource if isinstance(resource, str) else getattr(resource, "policy_kind", "")
    noun = _NOUNS.get(kind, kind.replace("_", " "))
    return NotFound(f"No such {noun}.")


def _stored(resource: Any) -> bool:
    if not _is_instance(resource):
        return False
    state = sa_inspect(resource, raiseerr=False)
    return state is not None and bool(state.has_identity)


def _is_instance(resource: Any) -> bool:
    return not isinstance(resource, type)


def _attr(resource: Any, name: str) -> Any:
    return getattr(resource, name) if _is_instance(resource) else None


_VOTING_SEATS = frozenset({"chair", "vice_chair", "member"})


def tlp_allows(
    actor: Actor,
    *,
    owner_organisation_id: str,
    tlp: str,
    audience_organisation_ids: Iterable[str] = (),
    audience_body_ids: Iterable[str] = (),
) -> bool:
    """Whether the actor's organisation may receive something labelled ``tlp`` and distributed
    to the given organisations and bodies (TLP 2.0; DOMAIN.md). The owner always may."""
    org = actor.organisation_id
    if org is None:
        return False
    if org == owner_organisation_id:
        return True
    named = org in set(audience_organisation_ids)
    bodies = list(audience_body_ids)
    in_body = any(actor.in_body(b) for b in bodies)
    # A body's voting members are a named, closed set of organisations: AMBER may be
    # distributed to them. Affiliates and observers hold a seat but are not recipients of it.
    voting_member = any(actor.body_roles.get(b) in _VOTING_SEATS for b in bodies)
    match Tlp(tlp):
        case Tlp.RED:
            # The named recipients only, never a whole body.
            return named
        case Tlp.AMBER_STRICT | Tlp.AMBER:
            return named or voting_member
        case Tlp.GREEN:
            # The community is defined explicitly: the named organisations and bodies.
            return named or in_body
        case Tlp.CLEAR:
            return True
    return False


# --- members --------------------------------------------------------------------------------


@rule("organisation")
def _organisation(actor: Actor, action: Action, org: Any) -> bool:
    if action in READ_ACTIONS:
        return True  # the directory is open to every account of the alliance
    if action == Action.UPDATE and actor.has(UserRole.ORG_ADMIN):
        return bool(_attr(org, "id") == actor.organisation_id)
    return actor.is_secretariat


@rule("body")
def _body(actor: Actor, action: Action, _body: Any) -> bool:
    return action in READ_ACTIONS or actor.is_secretariat


@rule("membership")
def _membership(actor: Actor, action: Action, _membership: Any) -> bool:
    return action in READ_ACTIONS or actor.is_secretariat


def _administers_user_of(actor: Actor, organisation_id: str | None) -> bool:
    if actor.is_secretariat:
        return True
    return actor.has(UserRole.ORG_ADMIN) and organisation_id == actor.organisation_id


@rule("user")
def _user(actor: Actor, action: Action, user: Any) -> bool:
    if action == Action.LIST:
        return actor.is_secretariat or actor.has(UserRole.ORG_ADMIN)
    if action == Action.READ and _attr(user, "id") == actor.user_id:
        return True
    if action == Action.CREATE or action == Action.UPDATE:
        # Only the secretariat hands out the secretariat's own powers.
        granted = set(_attr(user, "roles") or [])
        if UserRole.SECRETARIAT_ADMIN.value in granted and not actor.is_secretariat:
            return False
    return _administers_user_of(actor, _attr(user, "organisation_id"))


@rule("invitation")
def _invitation(actor: Actor, action: Action, invitation: Any) -> bool:
    if action == Action.LIST:
        return actor.is_secretariat or actor.has(UserRole.ORG_ADMIN)
    granted = set(_attr(invitation, "roles") or [])
    if UserRole.SECRETARIAT_ADMIN.value in granted and not actor.is_secretariat:
        return False
    return _administers_user_of(actor, _attr(invitation, "organisation_id"))


@rule("api_token")
def _api_token(actor: Actor, action: Action, token: Any) -> bool:
    if action == Action.LIST:
        return True  # services filter the list to what each actor may read
    owner_id = _attr(token, "user_id")
    if owner_id == actor.user_id:
        return action in {Action.CREATE, Action.READ, Action.UPDATE, Action.DELETE}
    if action in {Action.READ, Action.DELETE}:
        owner_org = _attr(token, "organisation_id")
        return _administers_user_of(actor, owner_org)
    return False  # nobody mints a token for somebody else


@rule("audit_entry")
def _audit_entry(actor: Actor, action: Action, entry: Any) -> bool:
    if action not in READ_ACTIONS:
        return False  # the chain is append-only, for everyone
    if actor.is_secretariat:
        return True
    if not actor.has(UserRole.ORG_ADMIN):
        return False
    if not _is_instance(entry):
        return True  # an org admin may list, filtered to their organisation
    return bool(entry.organisation_id == actor.organisation_id)


def get_visible_or_404(
    session: Session,
    actor: Actor,
    model: type[_Row],
    ident: str,
    *,
    action: Action = Action.READ,
    options: Sequence[ORMOption] = (),
) -> _Row:
    """The row ``ident`` of ``model`` if the actor may ``action`` it; otherwise the same
    "No such …" whether it is missing or hidden."""
    row = session.get(model, ident, options=options) if ident else None
    if row is None:
        raise hidden(getattr(model, "policy_kind", ""))
    require(actor, action, row)
    return row
