"""Joint statements: drafted in versions with comments, put to a motion, adopted when it
carries, published with their signatory members; published statements are public (page and
Atom feed, in `nohaven.governance.public`)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, require
from nohaven.errors import Conflict, InvalidInput, NotFound
from nohaven.governance.bodies import service as bodies
from nohaven.governance.motions import service as motions
from nohaven.governance.motions.models import Motion, Outcome
from nohaven.governance.statements import repository as repo
from nohaven.governance.statements.models import (
    Statement,
    StatementComment,
    StatementSignatory,
    StatementStatus,
    StatementVersion,
)
from nohaven.kit import i18n
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.members.models import Body, Organisation

SYSTEM = Actor.system("governance decisions")


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80] or "statement"


def _new_slug(session: Session, title: str) -> str:
    """The title's words and a random part. A counter ("…-2") would tell the author that
    another body, perhaps in a draft nobody else may see, already used the same title."""
    base = slugify(title)[:70].rstrip("-")
    while True:
        slug = f"{base}-{secrets.token_hex(4)}"
        if not repo.slug_taken(session, slug):
            return slug


def _required(value: str, field: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise InvalidInput(
            f"The {field} is required.", errors=[{"field": field, "message": "required"}]
        )
    return cleaned


def create_statement(
    session: Session,
    *,
    actor: Actor,
    body_id: str,
    title: str,
    text: str,
    language: str | None = None,
) -> Statement:
    body = session.get(Body, body_id)
    if body is None:
        raise NotFound(N_("No such body."))
    # Drafted in the language given, else the one the drafter reads nohaven in.
    written_in = language or i18n.current_language()
    if written_in not in i18n.LANGUAGES:
        raise InvalidInput(
            N_("Choose one of the languages nohaven speaks."),
            errors=[{"field": "language", "message": f"one of {list(i18n.LANGUAGES)}"}],
        )
    statement = Statement(body_id=body.id, title=_required(title, "title"), language=written_in)
    require(actor, Action.CREATE, statement)
    text = _required(text, "text")
    statement.slug = _new_slug(session, statement.title)
    session.add(statement)
    session.flush()
    session.add(
        StatementVersion(
            statement_id=statement.id, number=1, text=text, author_id=actor.organisation_id
        )
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="statement.create",
        resource_type="statement",
        resource_id=statement.id,
        organisation_id=actor.organisation_id,
        summary={"body_id": body.id, "version": 1, "language": written_in},
    )
    return statement


def get_statement(session: Session, *, actor: Actor, statement_id: str) -> Statement:
    statement = session.get(Statement, statement_id)
    if statement is None:
        raise NotFound(N_("No such statement."))
    require(actor, Action.READ, statement)
    return statement


def list_statements(
    session: Session, *, actor: Actor, body_id: str | None = None
) -> list[Statement]:
    require(actor, Action.LIST, Statement)
    return [s for s in repo.statements(session, body_id=body_id) if can(actor, Action.READ, s)]


def versions(session: Session, *, statement: Statement) -> list[StatementVersion]:
    return repo.versions(session, statement.id)


def comments(session: Session, *, statement: Statement) -> list[StatementComment]:
    return repo.comments(session, statement.id)


def _latest(session: Session, statement_id: str) -> int:
    return repo.latest_version(session, statement_id)


def revise(session: Session, *, actor: Actor, statement_id: str, text: str) -> StatementVersion:
    statement = get_statement(session, actor=actor, statement_id=statement_id)
    require(actor, Action.UPDATE, statement)
    if statement.status != StatementStatus.DRAFT:
        raise Conflict(N_("An adopted statement is not revised; draft a new one."))
    version = StatementVersion(
        statement_id=statement.id,
        number=_latest(session, statement.id) + 1,
        text=_required(text, "text"),
        author_id=actor.organisation_id,
    )
    session.add(version)
    statement.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="statement.revise",
        resource_type="statement",
        resource_id=statement.id,
        organisation_id=actor.organisation_id,
        summary={"version": version.number},
    )
    return version


def comment(session: Session, *, actor: Actor, statement_id: str, text: str) -> StatementComment:
    statement = get_statement(session, actor=actor, statement_id=statement_id)
    require(actor, Action.PROPOSE, statement)
    if statement.status != StatementStatus.DRAFT:
        raise Conflict(N_("Comments close when the statement is adopted."))
    row = StatementComment(
        statement_id=statement.id,
        version=_latest(session, statement.id),
        organisation_id=actor.organisation_id,
        text=_required(text, "text"),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="statement.comment",
        resource_type="statement",
        resource_id=statement.id,
        organisation_id=actor.organisation_id,
        summary={"version": row.version},
    )
    return row


def publish(
    session: Session, *, actor: Actor, statement_id: str, signatory_ids: list[str] | None = None
) -> Statement:
    """Publish an adopted statement with its signatories: those named, by default the members
    that voted for it (an open ballot says who did; a secret ballot must name them)."""
    statement = get_statement(session, actor=actor, statement_id=statement_id)
    require(actor, Action.MANAGE, statement)
    if statement.status == StatementStatus.PUBLISHED:
        raise Conflict(N_("This statement is already published."))
    if statement.status != StatementStatus.ADOPTED:
        raise Conflict(N_("Only a statement adopted by a motion is published."))
    voters = bodies.voting_organisations(session, statement.body_id, utcnow().date())
    chosen = set(signatory_ids) if signatory_ids else default_signatories(session, statement)
    if not chosen:
        raise InvalidInput(
            "Name the signatories: the vote was secret, so it does not say who voted for it.",
            errors=[{"field": "signatory_ids", "message": "choose at least one member"}],
        )
    if not chosen <= voters:
        raise InvalidInput(
            "Signatories are voting members of the body.",
            errors=[{"field": "signatory_ids", "message": f"{len(chosen - voters)} not members"}],
        )
    for org_id in sorted(chosen):
        session.add(StatementSignatory(statement_id=statement.id, organisation_id=org_id))
    statement.status = StatementStatus.PUBLISHED
    statement.published_at = utcnow()
    statement.updated_at = statement.published_at
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="statement.publish",
        resource_type="statement",
        resource_id=statement.id,
        summary={"signatories": len(chosen), "version": statement.adopted_version},
    )
    return statement


def default_signatories(session: Session, statement: Statement) -> set[str]:
    """The members that voted for the motion adopting the statement (empty when the ballot
    was secret or nobody is known to have voted for it)."""
    if statement.motion_id is None:
        return set()
    motion = session.get(Motion, statement.motion_id)
    if motion is None:
        return set()
    return motions.supporters(session, motion=motion) or set()


def signatory_candidates(session: Session, *, statement: Statement) -> list[tuple[str, str, bool]]:
    """(organisation id, name, proposed) for each voting member, by name: the publish form's
    choices, those that voted for it proposed."""
    voters = bodies.voting_organisations(session, statement.body_id, utcnow().date())
    names = bodies.organisation_names(session)
    proposed = default_signatories(session, statement)
    return sorted(
        ((org, names.get(org, org), org in proposed) for org in voters), key=lambda c: c[1]
    )


# --- adoption by a motion -------------------------------------------------------------------


def await_adoption(session: Session, *, statement_id: str, motion: Motion) -> Statement:
    """Make ``motion`` the one that adopts the statement when it carries."""
    statement = session.get(Statement, statement_id)
    if statement is None or statement.body_id != motion.body_id:
        raise InvalidInput(
            "No such statement in this body.",
            errors=[{"field": "statement_id", "message": "unknown statement"}],
        )
    if statement.status != StatementStatus.DRAFT:
        raise Conflict(N_("That statement has already been adopted."))
    if statement.motion_id is not None:
        earlier = session.get(Motion, statement.motion_id)
        if earlier is not None and earlier.closed_at is None:
            raise Conflict(N_("A motion to adopt this statement is already open."))
    statement.motion_id = motion.id
    session.flush()
    return statement


def motion_of(session: Session, *, actor: Actor, statement: Statement) -> Motion | None:
    """The motion put to adopt the statement, when there is one."""
    if statement.motion_id is None:
        return None
    return motions.visible_motions(session, actor=actor, ids=[statement.motion_id]).get(
        statement.motion_id
    )


def bodies_drafting(session: Session, *, actor: Actor) -> list[Body]:
    """The actor's bodies in which it may draft a statement."""
    return [
        b
        for b in bodies.my_bodies(session, actor)
        if can(actor, Action.CREATE, Statement(body_id=b.id))
    ]


def statement_of_motion(session: Session, motion_id: str) -> Statement | None:
    return repo.of_motion(session, motion_id)


def adopt_by_vote(session: Session, *, motion: Motion) -> None:
    """Called when a motion closes: a draft it was tabled to adopt is adopted if it carried,
    in its latest version."""
    statement = statement_of_motion(session, motion.id)
    if statement is None or statement.status != StatementStatus.DRAFT:
        return
    if motion.outcome != Outcome.CARRIED:
        return
    latest = _latest(session, statement.id)
    statement.status = StatementStatus.ADOPTED
    statement.adopted_version = latest
    session.flush()
    audit.record(
        session,
        actor=SYSTEM,
        action="statement.adopt",
        resource_type="statement",
        resource_id=statement.id,
        summary={"motion_id": motion.id, "version": latest},
    )


def drafts_of(session: Session, *, body_ids: list[str]) -> list[Statement]:
    """Draft statements of these bodies (those a motion may adopt)."""
    return repo.drafts(session, body_ids)


# --- public ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedStatement:
    statement: Statement
    body: Body
    text: str
    signatories: list[Organisation]


def _published(session: Session, statement: Statement) -> PublishedStatement:
    text = repo.version_text(session, statement.id, statement.adopted_version)
    signatories = repo.signatories(session, statement.id)
    body = session.get(Body, statement.body_id)
    if body is None:  # pragma: no cover - foreign key
        raise NotFound(N_("No such body."))
    return PublishedStatement(
        statement=statement, body=body, text=text or "", signatories=signatories
    )


def published_statements(
    session: Session, *, body_id: str | None = None, limit: int = 50
) -> list[PublishedStatement]:
    """Readable by anyone: only published statements, newest first."""
    return [_published(session, s) for s in repo.published(session, body_id=body_id, limit=limit)]


def published_statement(session: Session, *, slug: str) -> PublishedStatement:
    statement = repo.published_by_slug(session, slug)
    if statement is None:
        raise NotFound(N_("No such published statement."))
    return _published(session, statement)
