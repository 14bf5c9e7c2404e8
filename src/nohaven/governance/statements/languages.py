"""A statement in several languages (docs/languages.md): its text in each other language the
body provides, each an official text (adopted as authentic, of equal standing with the one the
statement was adopted in) or a translation for readers. Adding or changing one is a change to
the statement, asked of the policy like any other; marking one official is an officer's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import InvalidInput
from nohaven.governance.statements import repository as repo
from nohaven.governance.statements.models import Statement, StatementLanguage
from nohaven.governance.statements.service import get_statement
from nohaven.kit import i18n
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_


@dataclass(frozen=True)
class LanguageText:
    """One language's title and text of a statement, as readers are offered it."""

    language: str
    title: str
    text: str
    official: bool
    original: bool  # the language the statement was drafted and adopted in


def texts(session: Session, statement: Statement, original_text: str) -> list[LanguageText]:
    """Every language of a statement, the one it was adopted in first, then the others in the
    order of ``LANGUAGES``."""
    first = LanguageText(statement.language, statement.title, original_text, True, True)
    others = {row.language: row for row in rows(session, statement.id)}
    order = {code: n for n, code in enumerate(i18n.LANGUAGES)}
    return [first] + [
        LanguageText(row.language, row.title, row.text, row.official, False)
        for row in sorted(others.values(), key=lambda r: (order.get(r.language, 99), r.language))
    ]


def rows(session: Session, statement_id: str) -> list[StatementLanguage]:
    return list(
        session.scalars(
            select(StatementLanguage).where(StatementLanguage.statement_id == statement_id)
        )
    )


def chosen(available: list[LanguageText], wanted: str | None) -> LanguageText:
    """The text in ``wanted`` when the statement has it, else the one it was adopted in."""
    for text in available:
        if text.language == wanted:
            return text
    return available[0]


def set_text(
    session: Session,
    *,
    actor: Actor,
    statement_id: str,
    language: str,
    title: str,
    text: str,
    official: bool,
) -> StatementLanguage:
    """Add the statement's text in ``language``, or replace it."""
    statement = get_statement(session, actor=actor, statement_id=statement_id)
    require(actor, Action.UPDATE, statement)
    if official:
        require(actor, Action.MANAGE, statement)
    if language not in i18n.LANGUAGES:
        raise InvalidInput(
            N_("Choose one of the languages nohaven speaks."),
            errors=[{"field": "language", "message": f"one of {list(i18n.LANGUAGES)}"}],
        )
    if language == statement.language:
        raise InvalidInput(
            N_("The statement is already written in that language; revise it instead."),
            errors=[{"field": "language", "message": "the statement's own language"}],
        )
    title, text = title.strip(), text.strip()
    if not title or not text:
        raise InvalidInput(
            N_("Both the title and the text are required."),
            errors=[
                {"field": name, "message": "required"}
                for name, value in (("title", title), ("text", text))
                if not value
            ],
        )
    row = session.scalar(
        select(StatementLanguage).where(
            StatementLanguage.statement_id == statement.id, StatementLanguage.language == language
        )
    )
    if row is None:
        row = StatementLanguage(
            statement_id=statement.id,
            body_id=statement.body_id,
            language=language,
            author_id=actor.organisation_id,
        )
        session.add(row)
    elif row.official and not official:
        # Demoting an official text to a translation is an officer's decision too.
        require(actor, Action.MANAGE, statement)
    row.title, row.text, row.official = title[:200], text, official
    row.updated_at = statement.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="statement.language",
        resource_type="statement",
        resource_id=statement.id,
        organisation_id=actor.organisation_id,
        summary={"language": language, "official": official},
    )
    return row


def published_texts(session: Session, statement: Statement) -> list[LanguageText]:
    """The languages of a published statement, for its public page and the feed."""
    original = repo.version_text(session, statement.id, statement.adopted_version) or ""
    return texts(session, statement, original)
