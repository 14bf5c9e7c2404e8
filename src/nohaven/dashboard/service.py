"""The dashboard's to-do list: each domain's service is asked what the actor may see; what
the actor may act on becomes a to-do. A domain the actor has no business in adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can
from nohaven.deconfliction.hits import hits_awaiting_outcome
from nohaven.deconfliction.models import Hit
from nohaven.governance.applications import service as applications
from nohaven.governance.applications.models import ApplicationStatus, MembershipApplication
from nohaven.governance.bodies import service as bodies
from nohaven.governance.meetings import service as meetings
from nohaven.governance.meetings.models import AgendaStatus, Meeting
from nohaven.governance.motions import service as motions
from nohaven.governance.motions.models import Motion
from nohaven.hashes import service as hashes
from nohaven.hashes.models import HashList
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_, ngettext
from nohaven.kit.i18n import gettext as _
from nohaven.policy import service as policy
from nohaven.policy.models import Assessment, ReviewState
from nohaven.policy.regions import name_of
from nohaven.travel import service as travel
from nohaven.travel.itinerary import first_departure
from nohaven.travel.models import NotificationStatus, TravelNotification

MEETINGS_AHEAD = timedelta(days=60)
MATCHES_SINCE = timedelta(days=14)
SHOWN = 8  # per kind of to-do; the rest is one link away


@dataclass(frozen=True)
class Todo:
    """One thing to do: what, where, and by when (None: no deadline)."""

    kind: str
    title: str
    link: str
    due: datetime | None = None
    detail: str = ""


@dataclass(frozen=True)
class TodoGroup:
    heading: str
    items: list[Todo]
    more_link: str
    more: int = 0


def todos(session: Session, *, actor: Actor, travel_ack_hours: int) -> list[TodoGroup]:
    """The actor's to-dos by kind, the most urgent first within each kind."""
    now = utcnow()
    sources: list[tuple[str, str, Callable[[], list[Todo]]]] = [
        (N_("Votes due"), "/motions", lambda: _votes_due(session, actor, now)),
        (
            N_("Travel notifications to acknowledge"),
            "/travel",
            lambda: _to_acknowledge(session, actor, now, travel_ack_hours),
        ),
        (N_("Hits to act on"), "/deconfliction", lambda: _hits(session, actor)),
        (N_("Agenda items to accept"), "/meetings", lambda: _agenda(session, actor, now)),
        (N_("Applications to decide"), "/applications", lambda: _applications(session, actor)),
        (N_("Assessments to review"), "/policy/review", lambda: _assessments(session, actor)),
        (N_("Meetings coming"), "/meetings", lambda: _meetings(session, actor, now)),
        (
            N_("Recent matches against your lists"),
            "/hash-lists",
            lambda: _matches(session, actor, now),
        ),
    ]
    groups = []
    for heading, link, source in sources:
        items = source()
        if items:
            items.sort(key=lambda t: (t.due is None, t.due or now))
            groups.append(TodoGroup(heading, items[:SHOWN], link, max(0, len(items) - SHOWN)))
    return groups


def _votes_due(session: Session, actor: Actor, now: datetime) -> list[Todo]:
    if not can(actor, Action.LIST, Motion):
        return []
    names = bodies.body_names(session)
    out = []
    for motion in motions.list_motions(session, actor=actor):
        if not motion.is_open(now) or not motions.may_vote(
            session, actor=actor, motion=motion, now=now
        ):
            continue
        voted, _ = motions.own_vote(session, actor=actor, motion=motion)
        if not voted:
            out.append(
                Todo(
                    "vote",
                    motion.title,
                    f"/motions/{motion.id}",
                    motion.closes_at,
                    names.get(motion.body_id, ""),
                )
            )
    return out


def _to_acknowledge(session: Session, actor: Actor, now: datetime, ack_hours: int) -> list[Todo]:
    if actor.organisation_id is None or not can(actor, Action.LIST, TravelNotification):
        return []
    out = []
    for n in travel.list_notifications(session, actor=actor):
        if n.status != NotificationStatus.SENT or n.sent_at is None:
            continue
        mine = [r for r in n.recipients if r.organisation_id == actor.organisation_id]
        if not mine or mine[0].acknowledged_at is not None:
            continue
        due = n.sent_at + timedelta(hours=ack_hours)
        departs = first_departure(n)
        if departs is not None:
            due = min(due, departs)
        where = ", ".join(dict.fromkeys(leg.destination_country for leg in n.legs))
        out.append(
            Todo(
                "acknowledge",
                _("Travel notification to %(where)s") % {"where": where},
                f"/travel/{n.id}",
                due,
                _("overdue") if now >= due else "",
            )
        )
    return out


def _hits(session: Session, actor: Actor) -> list[Todo]:
    if not can(actor, Action.LIST, Hit):
        return []
    waiting = hits_awaiting_outcome(session, actor=actor)
    if not waiting:
        return []
    title = ngettext(
        "%(count)d hit awaits your outcome", "%(count)d hits await your outcome", waiting
    ) % {"count": waiting}
    return [Todo("hit", title, "/deconfliction", None, "")]


def _agenda(session: Session, actor: Actor, now: datetime) -> list[Todo]:
    if not can(actor, Action.LIST, Meeting):
        return []
    out = []
    for meeting in meetings.list_meetings(session, actor=actor):
        if meeting.starts_at < now or not can(actor, Action.MANAGE, meeting):
            continue
        for item in meetings.agenda(session, meeting=meeting):
            if item.status == AgendaStatus.PROPOSED:
                out.append(
                    Todo(
                        "agenda",
                        item.title,
                        f"/meetings/{meeting.id}",
                        meeting.starts_at,
                        _("proposed for %(meeting)s") % {"meeting": meeting.title},
                    )
                )
    return out


def _applications(session: Session, actor: Actor) -> list[Todo]:
    if not can(actor, Action.LIST, MembershipApplication):
        return []
    names = bodies.body_names(session)
    orgs = bodies.organisation_names(session)
    return [
        Todo(
            "application",
            _("%(organisation)s applies to join %(body)s")
            % {"organisation": orgs.get(a.organisation_id, ""), "body": names.get(a.body_id, "")},
            "/applications",
            None,
            "",
        )
        for a in applications.list_applications(session, actor=actor)
        if a.status == ApplicationStatus.SUBMITTED and can(actor, Action.MANAGE, a)
    ]


def _assessments(session: Session, actor: Actor) -> list[Todo]:
    if not can(actor, Action.LIST, Assessment):
        return []
    return [
        Todo(
            "assessment",
            f"{name_of(a.country)}: {a.criterion_key.replace('_', ' ')}",
            "/policy/review",
            None,
            _("submitted for review"),
        )
        for a in policy.pending(session, actor=actor)
        if a.state == ReviewState.SUBMITTED and can(actor, Action.MANAGE, a)
    ]


def _meetings(session: Session, actor: Actor, now: datetime) -> list[Todo]:
    if not can(actor, Action.LIST, Meeting):
        return []
    names = bodies.body_names(session)
    return [
        Todo("meeting", m.title, f"/meetings/{m.id}", m.starts_at, names.get(m.body_id, ""))
        for m in meetings.list_meetings(session, actor=actor)
        if now <= m.starts_at <= now + MEETINGS_AHEAD and m.status != "cancelled"
    ]


def _matches(session: Session, actor: Actor, now: datetime) -> list[Todo]:
    if actor.organisation_id is None or not can(actor, Action.CREATE, HashList):
        return []
    out = []
    for hash_list in hashes.visible_lists(session, actor=actor):
        if hash_list.owner_organisation_id != actor.organisation_id:
            continue
        recent = hashes.recent_sightings_count(
            session, actor=actor, list_id=hash_list.id, since=now - MATCHES_SINCE
        )
        if recent:
            out.append(
                Todo(
                    "match",
                    ngettext(
                        "%(count)d match against %(list)s",
                        "%(count)d matches against %(list)s",
                        recent,
                    )
                    % {"count": recent, "list": hash_list.name},
                    f"/hash-lists/{hash_list.id}/sightings",
                    None,
                    _("in the last 14 days"),
                )
            )
    return out
