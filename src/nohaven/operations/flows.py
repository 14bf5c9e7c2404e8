"""What crosses operations, governance statements and members: the joint results statement.

The lead asks for a draft once the operation is in follow-up; it is written from the totals
and the number of participating agencies and countries only, and enters the body's statement
workflow as any draft does (revised, adopted by a motion, published by the body's officers).
The operation's code name appears in it only if the lead allowed the code name to be seen."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action
from nohaven.errors import Conflict
from nohaven.governance.statements import service as statements
from nohaven.governance.statements.models import Statement
from nohaven.members import service as members
from nohaven.operations import repository as repo
from nohaven.operations import results, service
from nohaven.operations.models import Phase
from nohaven.operations.rules import participants


def draft_results_statement(session: Session, *, actor: Actor, activity_id: str) -> Statement:
    activity = service.visible(session, actor=actor, activity_id=activity_id, action=Action.MANAGE)
    if activity.phase not in {Phase.FOLLOW_UP, Phase.CLOSED}:
        raise Conflict("The results statement is drafted in follow-up, once results are in.")
    if activity.statement_id is not None:
        raise Conflict("A results statement was already drafted; revise it in the body.")
    # The statement workflow is the body's: the draft enters it on the lead's behalf, as the
    # platform's (an agency's analyst does not draft the body's statements otherwise).
    drafter = Actor.system(f"operations results, for {actor.label}")
    body = members.get_body(session, actor=drafter, body_id_or_slug=activity.body_id)
    taking_part = repo.organisations(session, sorted(participants(activity)))
    title, text = results.statement_text(
        code_name=activity.code_name if activity.code_name_visible else None,
        body_name=body.name,
        agencies=len(taking_part),
        countries=len({o.country for o in taking_part.values() if o.country}),
        totals=results.totals_of(session, activity),
    )
    statement = statements.create_statement(
        session, actor=drafter, body_id=body.id, title=title, text=text
    )
    activity.statement_id = statement.id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="operation.statement.draft",
        resource_type="operation",
        resource_id=activity.id,
        organisation_id=activity.lead_organisation_id,
        summary={"statement_id": statement.id},
    )
    service.tell(
        session,
        actor=actor,
        organisation_ids=activity.participant_organisation_ids,
        activity=activity,
        kind="statement",
        title="a draft joint results statement is with the body",
    )
    return statement


@dataclass(frozen=True)
class StatementState:
    statement_id: str
    title: str
    status: str
    slug: str | None  # set once published: the public page's address


def statement_state(session: Session, *, statement_id: str | None) -> StatementState | None:
    """Where the operation's statement stands in the body's workflow (for its participants)."""
    if statement_id is None:
        return None
    found = statements.get_statement(
        session, actor=Actor.system("operations"), statement_id=statement_id
    )
    return StatementState(
        statement_id=found.id,
        title=found.title,
        status=found.status,
        slug=found.slug if found.status == "published" else None,
    )


def draft_text(session: Session, *, statement: Statement) -> str:
    """The statement's latest version."""
    versions = statements.versions(session, statement=statement)
    return versions[-1].text if versions else ""
