"""Sending notices to an organisation's inbox and the people who must act, and reading them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import InvalidInput, NotFound
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import is_id
from nohaven.kit.paging import TableSpec, TableView, choice, page_query, text
from nohaven.members.models import User
from nohaven.notifications import addressing, calendar, outbox, preferences
from nohaven.notifications.kinds import AREAS, Kind, kind_of
from nohaven.notifications.models import Delivery, Notice, NoticeAddressee, NoticeContact
from nohaven.webhooks import events as webhook_events


def notify(
    session: Session,
    *,
    actor: Actor,
    organisation_id: str,
    kind: str,
    title: str,
    body: str = "",
    link: str | None = None,
    user_ids: Iterable[str] | None = None,
    invitation: calendar.Invitation | None = None,
    event_data: Mapping[str, str | None] | None = None,
) -> Notice:
    """Put a notice in an organisation's inbox and address it to the people who must act on
    it (``user_ids``, or those `addressing` finds), in the caller's transaction. Those who
    want it at once get an e-mail through the outbox, written in this same transaction. An
    ``invitation`` goes to everyone addressed who did not choose the inbox alone, as a
    calendar attachment (an event does not wait for a digest). ``event_data``: identifiers the
    organisation's webhooks receive besides the notice's own (a list's id, a motion's)."""
    notice = Notice(
        organisation_id=organisation_id, kind=kind, title=title[:200], body=body, link=link
    )
    session.add(notice)
    session.flush()
    about = kind_of(kind)
    people, contacts = addressing.addressees(session, organisation_id=organisation_id, kind=about)
    if user_ids is not None:
        wanted = set(user_ids)
        people = [u for u in addressing.active_users(session, organisation_id) if u.id in wanted]
    mailed = _address(
        session,
        notice=notice,
        kind=about,
        people=people,
        contacts=contacts,
        invitation=invitation,
    )
    # The organisation's own systems hear of it through their webhooks, in this transaction too.
    webhook_events.publish_notice(session, notice, extra=event_data)
    audit.record(
        session,
        actor=actor,
        action="notice.create",
        resource_type="notice",
        resource_id=notice.id,
        organisation_id=organisation_id,
        summary={"kind": kind, "addressees": len(people), "mailed": mailed},
    )
    return notice


def _address(
    session: Session,
    *,
    notice: Notice,
    kind: Kind,
    people: Sequence[User],
    contacts: set[str],
    invitation: calendar.Invitation | None,
) -> int:
    mailed = 0
    for person in people:
        choice = preferences.chosen(session, person.id).get(kind.key)
        delivery = preferences.effective(kind, choice=choice, is_contact=person.id in contacts)
        row = NoticeAddressee(notice_id=notice.id, user_id=person.id, delivery=delivery)
        session.add(row)
        if invitation is not None and delivery is not Delivery.INBOX:
            outbox.enqueue(
                session,
                kind=kind.key,
                to_address=person.email,
                user_id=person.id,
                subject=f"nohaven: {kind.label}",
                text=f"{kind.label}: the calendar entry is attached.\n\nDetails on the platform:",
                link=notice_path(notice.id),
                calendar=invitation.build(person.email),
                calendar_method=invitation.method,
                params={"wording": "calendar", "kind": kind.key},
            )
            row.mailed_at = utcnow()
            mailed += 1
        elif delivery is Delivery.IMMEDIATE:
            outbox.enqueue_notice(
                session,
                kind=kind.key,
                label=kind.label,
                to_address=person.email,
                user_id=person.id,
                link=notice_path(notice.id),
            )
            row.mailed_at = utcnow()
            mailed += 1
    session.flush()
    return mailed


def notice_path(notice_id: str) -> str:
    """The page an e-mail links to: it shows the notice after the reader signs in."""
    return f"/inbox/{notice_id}"


# --- reading ----------------------------------------------------------------------------------


# The notices of one kind, as a table of their own (the inbox shows ten of each).
NOTICE_TABLE = TableSpec(
    sorts={"when": Notice.created_at, "notice": Notice.title, "state": Notice.read_at},
    default_sort="when",
    default_descending=True,
    filters={"kind": text, "unread": choice("true", "false"), "mine": choice("true", "false")},
)


def page_of_notices(
    session: Session, *, actor: Actor, view: TableView
) -> tuple[list[Notice], TableView]:
    query = _inbox_query(
        actor, unread_only=view.filter("unread") == "true", mine_only=view.filter("mine") == "true"
    )
    if view.filter("kind"):
        query = query.where(Notice.kind == view.filter("kind"))
    return page_query(session, query, view)


def inbox(
    session: Session,
    *,
    actor: Actor,
    unread_only: bool = False,
    mine_only: bool = False,
    limit: int = 200,
) -> Sequence[Notice]:
    query = _inbox_query(actor, unread_only=unread_only, mine_only=mine_only)
    query = query.order_by(Notice.created_at.desc(), Notice.id).limit(limit)
    return session.execute(query).scalars().all()


def _inbox_query(actor: Actor, *, unread_only: bool, mine_only: bool) -> Select[Notice]:
    require(actor, Action.LIST, Notice)
    query = select(Notice).where(Notice.organisation_id == actor.organisation_id)
    if unread_only:
        query = query.where(Notice.read_at.is_(None))
    if mine_only:
        query = query.where(
            Notice.id.in_(
                select(NoticeAddressee.notice_id).where(NoticeAddressee.user_id == actor.user_id)
            )
        )
    return query


@dataclass(frozen=True)
class Group:
    """Notices of one kind in the inbox, summarised in people's words."""

    kind: Kind
    notices: list[Notice]
    unread: int
    latest: datetime

    @property
    def summary(self) -> str:
        return self.kind.summary(len(self.notices))


def grouped(notices: Sequence[Notice]) -> list[Group]:
    """Notices grouped by kind, the group with the newest notice first."""
    by_kind: dict[str, list[Notice]] = {}
    for notice in notices:
        by_kind.setdefault(notice.kind, []).append(notice)
    groups = [
        Group(
            kind=kind_of(key),
            notices=items,
            unread=sum(1 for n in items if n.read_at is None),
            latest=max(n.created_at for n in items),
        )
        for key, items in by_kind.items()
    ]
    return sorted(groups, key=lambda g: g.latest, reverse=True)


def addressed_to(session: Session, *, actor: Actor, notice_ids: Sequence[str]) -> set[str]:
    if actor.user_id is None or not notice_ids:
        return set()
    return set(
        session.execute(
            select(NoticeAddressee.notice_id).where(
                NoticeAddressee.user_id == actor.user_id,
                NoticeAddressee.notice_id.in_(notice_ids),
            )
        ).scalars()
    )


def unread_count(session: Session, *, actor: Actor) -> int:
    if actor.organisation_id is None:
        return 0
    return int(
        session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(Notice.organisation_id == actor.organisation_id, Notice.read_at.is_(None))
        )
        or 0
    )


def get_notice(session: Session, *, actor: Actor, notice_id: str) -> Notice:
    notice = session.get(Notice, notice_id) if is_id(notice_id) else None
    if notice is None:
        raise NotFound("No such notice.")
    require(actor, Action.READ, notice)
    return notice


def mark_read(session: Session, *, actor: Actor, notice_id: str) -> Notice:
    notice = session.get(Notice, notice_id) if is_id(notice_id) else None
    if notice is None:
        raise NotFound("No such notice.")
    require(actor, Action.UPDATE, notice)
    if notice.read_at is None:
        notice.read_at = utcnow()
        notice.read_by_id = actor.user_id
        session.flush()
    return notice


def mark_all_read(session: Session, *, actor: Actor, kind: str | None = None) -> int:
    """Mark every unread notice of the actor's inbox read (or those of one kind)."""
    require(actor, Action.LIST, Notice)
    query = (
        update(Notice)
        .where(Notice.organisation_id == actor.organisation_id, Notice.read_at.is_(None))
        .values(read_at=utcnow(), read_by_id=actor.user_id)
    )
    if kind:
        query = query.where(Notice.kind == kind)
    result = session.execute(query.execution_options(synchronize_session=False))
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        audit.record(
            session,
            actor=actor,
            action="notice.read_all",
            resource_type="notice",
            resource_id=None,
            organisation_id=actor.organisation_id,
            summary={"count": count, "kind": kind},
        )
    return count


# --- designated contacts ----------------------------------------------------------------------


def designate(
    session: Session, *, actor: Actor, organisation_id: str, area: str, user_id: str
) -> NoticeContact:
    """Make a user the organisation's designated contact for an area (its admin decides)."""
    if area not in AREAS:
        raise InvalidInput(f"Unknown area: {area}")
    user = session.get(User, user_id) if is_id(user_id) else None
    if user is None or user.organisation_id != organisation_id:
        raise NotFound("No such user.")
    require(actor, Action.UPDATE, user)
    found = session.scalar(
        select(NoticeContact).where(
            NoticeContact.organisation_id == organisation_id,
            NoticeContact.area == area,
            NoticeContact.user_id == user_id,
        )
    )
    if found is not None:
        return found
    contact = NoticeContact(organisation_id=organisation_id, area=area, user_id=user_id)
    session.add(contact)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="notice.contact.designate",
        resource_type="user",
        resource_id=user_id,
        organisation_id=organisation_id,
        summary={"area": area},
    )
    return contact


def undesignate(
    session: Session, *, actor: Actor, organisation_id: str, area: str, user_id: str
) -> None:
    user = session.get(User, user_id) if is_id(user_id) else None
    if user is None or user.organisation_id != organisation_id:
        raise NotFound("No such user.")
    require(actor, Action.UPDATE, user)
    found = session.scalar(
        select(NoticeContact).where(
            NoticeContact.organisation_id == organisation_id,
            NoticeContact.area == area,
            NoticeContact.user_id == user_id,
        )
    )
    if found is None:
        return
    session.delete(found)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="notice.contact.remove",
        resource_type="user",
        resource_id=user_id,
        organisation_id=organisation_id,
        summary={"area": area},
    )


def contacts(session: Session, *, organisation_id: str) -> dict[str, list[User]]:
    """Area -> the organisation's designated contacts for it."""
    rows = session.execute(
        select(NoticeContact.area, User)
        .join(User, User.id == NoticeContact.user_id)
        .where(NoticeContact.organisation_id == organisation_id)
        .order_by(User.display_name)
    ).all()
    out: dict[str, list[User]] = {area: [] for area in AREAS}
    for area, user in rows:
        out.setdefault(area, []).append(user)
    return out
