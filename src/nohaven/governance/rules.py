"""Policy rules of the governance domain, registered with `nohaven.auth.policy.rule`.

Imported by `nohaven.auth.policy` so that `can()` knows every resource kind.

Who may do what, in one place:

* Reading a body's governance records (motions, meetings, statements, the mission and progress,
  applications) takes a seat in the body (any role) or the secretariat admin role. Published
  statements and published case studies are public; their pages do not go through `can()`.
* Voting takes the delegate role in an organisation with a voting seat (the service checks the
  seat on the day of the vote).
* Tabling and closing motions, scheduling meetings, ordering the agenda, minutes and publishing
  statements are for the body's officers: its chair, vice-chair and secretariat seats (their
  delegates and org admins) and the secretariat admins.
* Members' delegates propose agenda items, draft and comment on statements, sign the mission
  and report their own organisation's progress.
"""

from __future__ import annotations

from typing import Any

from nohaven.auth.actor import Actor
from nohaven.auth.policy import READ_ACTIONS, Action, rule
from nohaven.members.models import VOTING_ROLES, MembershipRole, UserRole

OFFICER_ROLES = frozenset(
    {MembershipRole.CHAIR, MembershipRole.VICE_CHAIR, MembershipRole.SECRETARIAT}
)
REPRESENTS = frozenset({UserRole.DELEGATE.value, UserRole.ORG_ADMIN.value})


def _body_id(resource: Any) -> str | None:
    if isinstance(resource, type):
        return None
    return getattr(resource, "body_id", None)


def represents(actor: Actor) -> bool:
    """Speaks for its organisation in a body: a delegate or the organisation's admin."""
    return bool(REPRESENTS & actor.roles)


def is_officer(actor: Actor, body_id: str | None) -> bool:
    if actor.is_secretariat:
        return True
    if body_id is None:
        return any(r in OFFICER_ROLES for r in actor.body_roles.values()) and represents(actor)
    return actor.body_roles.get(body_id) in OFFICER_ROLES and represents(actor)


def seated(actor: Actor, body_id: str | None) -> bool:
    if actor.is_secretariat:
        return True
    if body_id is None:
        return bool(actor.body_roles)
    return actor.in_body(body_id)


def _read_or_officer(actor: Actor, action: Action, resource: Any) -> bool:
    body_id = _body_id(resource)
    if action == Action.LIST:
        return True  # services filter lists to the bodies the actor sits in
    if action in READ_ACTIONS:
        return seated(actor, body_id)
    return is_officer(actor, body_id)


@rule("standing_orders")
def _standing_orders(actor: Actor, action: Action, resource: Any) -> bool:
    if action in READ_ACTIONS:
        return seated(actor, _body_id(resource))
    return actor.is_secretariat


@rule("motion")
def _motion(actor: Actor, action: Action, motion: Any) -> bool:
    body_id = _body_id(motion)
    if action == Action.VOTE:
        return (
            actor.has(UserRole.DELEGATE)
            and body_id is not None
            and actor.body_roles.get(body_id) in VOTING_ROLES
        )
    return _read_or_officer(actor, action, motion)


@rule("meeting")
def _meeting(actor: Actor, action: Action, meeting: Any) -> bool:
    return _read_or_officer(actor, action, meeting)


@rule("initiative")
def _initiative(actor: Actor, action: Action, initiative: Any) -> bool:
    if action in READ_ACTIONS:
        return action == Action.LIST or seated(actor, _body_id(initiative))
    return actor.is_secretariat


@rule("agenda_item")
def _agenda_item(actor: Actor, action: Action, item: Any) -> bool:
    # An item belongs to its meeting's body (``AgendaItem.body_id``): outsiders of that body
    # neither see nor manage it.
    if action == Action.PROPOSE:
        return actor.is_secretariat or represents(actor)  # capacity checked by the service
    return _read_or_officer(actor, action, item)


@rule("statement")
def _statement(actor: Actor, action: Action, statement: Any) -> bool:
    body_id = _body_id(statement)
    if action in {Action.CREATE, Action.UPDATE, Action.PROPOSE}:
        # Drafting and commenting: any member's delegate or an officer.
        return is_officer(actor, body_id) or (
            actor.has(UserRole.DELEGATE)
            and (body_id is None or actor.body_roles.get(body_id) in VOTING_ROLES)
        )
    return _read_or_officer(actor, action, statement)


@rule("mission")
def _mission(actor: Actor, action: Action, mission: Any) -> bool:
    body_id = _body_id(mission)
    if action == Action.RESPOND:  # signing the mission statement
        return represents(actor) and (
            body_id is None or actor.body_roles.get(body_id) in VOTING_ROLES
        )
    return _read_or_officer(actor, action, mission)


@rule("progress_report")
def _progress(actor: Actor, action: Action, report: Any) -> bool:
    if action in READ_ACTIONS:
        return action == Action.LIST or seated(actor, _body_id(report))
    if isinstance(report, type):
        return represents(actor)
    return represents(actor) and report.organisation_id == actor.organisation_id


@rule("case_study")
def _case_study(actor: Actor, action: Action, study: Any) -> bool:
    if action in READ_ACTIONS:
        if action == Action.LIST or isinstance(study, type):
            return True
        return (
            bool(study.published)
            or study.organisation_id == actor.organisation_id
            or (seated(actor, study.body_id))
        )
    if isinstance(study, type):
        return represents(actor)
    return (represents(actor) and study.organisation_id == actor.organisation_id) or (
        actor.is_secretariat
    )


@rule("application")
def _application(actor: Actor, action: Action, application: Any) -> bool:
    if isinstance(application, type):
        return action in READ_ACTIONS or represents(actor)
    own = application.organisation_id == actor.organisation_id
    if action in READ_ACTIONS:
        return own or seated(actor, application.body_id)
    if action == Action.CREATE:
        return own and represents(actor)
    return is_officer(actor, application.body_id)


@rule("contact_message")
def _contact(actor: Actor, action: Action, message: Any) -> bool:
    # Only the body's secretariat (and the secretariat admins) read what the public sent, and
    # work through it (UPDATE: mark handled, reply).
    body_id = _body_id(message)
    if actor.is_secretariat:
        return action in READ_ACTIONS or action in (Action.UPDATE, Action.DELETE)
    return (
        (action in READ_ACTIONS or action == Action.UPDATE)
        and body_id is not None
        and actor.body_roles.get(body_id) == MembershipRole.SECRETARIAT
    )
