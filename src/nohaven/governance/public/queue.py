"""The secretariat's queue of contact messages: open or handled, a reply by e-mail.

A message is personal data (a member of the public's name and address): every list and read
is audited, and the audit entry of a reply records its length, never its words. The reply
goes through the outbox, written in this transaction: if the action rolls back, no e-mail
leaves."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, require
from nohaven.errors import InvalidInput, NotFound
from nohaven.governance.public.models import ContactMessage
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_, gettext
from nohaven.kit.paging import TableSpec, TableView, choice, page_query
from nohaven.members import service as members
from nohaven.notifications import outbox

MAX_REPLY = 5000
CONTACT_TABLE = TableSpec(
    sorts={
        "received": ContactMessage.created_at,
        "handled": ContactMessage.handled_at,
    },
    default_sort="received",
    default_descending=True,
    filters={"state": choice("open", "handled")},
    page_size=25,
)


def visible_body_ids(session: Session, *, actor: Actor) -> list[str]:
    """The bodies whose contact messages the actor may read: those they are secretariat of."""
    return [
        b.id
        for b in members.list_bodies(session, actor=actor)
        if can(actor, Action.LIST, ContactMessage(body_id=b.id))
    ]


def page_of_messages(
    session: Session, *, actor: Actor, view: TableView
) -> tuple[list[ContactMessage], TableView]:
    body_ids = visible_body_ids(session, actor=actor)
    if not body_ids:
        require(actor, Action.LIST, ContactMessage())  # refused: nothing of theirs to see
    query = select(ContactMessage).where(ContactMessage.body_id.in_(body_ids))
    if view.filter("state") == "open":
        query = query.where(ContactMessage.handled_at.is_(None))
    elif view.filter("state") == "handled":
        query = query.where(ContactMessage.handled_at.is_not(None))
    rows, view = page_query(session, query, view)
    audit.record(
        session,
        actor=actor,
        action="contact.list",
        resource_type="contact_message",
        organisation_id=actor.organisation_id,
        summary={"count": len(rows), "state": view.filter("state") or "all"},
    )
    return rows, view


def _for_update(session: Session, actor: Actor, message_id: str) -> ContactMessage:
    row = session.get(ContactMessage, message_id)
    if row is None or not can(actor, Action.READ, row):
        raise NotFound(N_("No such message."))
    require(actor, Action.UPDATE, row)
    return row


def set_handled(
    session: Session, *, actor: Actor, message_id: str, handled: bool
) -> ContactMessage:
    """Mark a message handled, or open again (the undo)."""
    row = _for_update(session, actor, message_id)
    row.handled_at = utcnow() if handled else None
    row.handled_by_id = actor.user_id if handled else None
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="contact.handled" if handled else "contact.reopened",
        resource_type="contact_message",
        resource_id=row.id,
        organisation_id=actor.organisation_id,
    )
    return row


def reply(session: Session, *, actor: Actor, message_id: str, text: str) -> ContactMessage:
    """E-mail ``text`` to the sender (through the outbox) and mark the message handled."""
    row = _for_update(session, actor, message_id)
    words = text.strip()
    if not words or len(words) > MAX_REPLY:
        message = gettext("Write a reply of 1 to %(count)d characters.") % {"count": MAX_REPLY}
        raise InvalidInput(message, errors=[{"field": "text", "message": message}])
    outbox.enqueue(
        session,
        kind="governance.contact_reply",
        to_address=row.email,
        subject=f"Re: {row.subject}"[:200],
        text=words,
        link=None,
        params={"to": "public"},
    )
    now = utcnow()
    row.replied_at = now
    row.handled_at = row.handled_at or now
    row.handled_by_id = row.handled_by_id or actor.user_id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="contact.reply",
        resource_type="contact_message",
        resource_id=row.id,
        organisation_id=actor.organisation_id,
        summary={"length": len(words)},
    )
    return row
