"""Telling the organisations that see a hash list that it changed (the ``hashes.list.changed``
event): entries added or removed, and its label or distribution changed.

Their own systems hear of every change through their webhooks (those that chose the kind),
with identifiers only — the list, what kind of change, how many entries, the change number to
pull the feed from — never a hash value or a name. A change of label or distribution is rarer
and worth a person's eye: the other organisations that see the list after it get a notice too
(the same event reaches their webhooks through it). Who sees the list is decided by the
hashes policy rule (`rules.sees`), as for every read; an organisation the change shut out
hears nothing of it.

All of it is written in the caller's transaction, like the change."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.hashes import rules
from nohaven.hashes.models import HashList
from nohaven.kit.clock import utcnow
from nohaven.members import service as members
from nohaven.notifications import service as notifications
from nohaven.webhooks import events
from nohaven.webhooks import service as webhooks

KIND = "hashes.list.changed"
# Changes that reach people's inboxes, not only their systems.
SHARING_CHANGES = frozenset({"tlp_changed", "distribution_changed"})


def list_path(list_id: str) -> str:
    return f"/hash-lists/{list_id}"


def _reader(session: Session, organisation_id: str) -> Actor:
    """The organisation as the policy sees it today (its seats in bodies), with no person."""
    seats = members.seat_roles_of_organisation(
        session, organisation_id=organisation_id, on=utcnow().date()
    )
    return Actor(
        user_id=None, label="list reader", organisation_id=organisation_id, body_roles=seats
    )


def readers(session: Session, hash_list: HashList, candidates: set[str]) -> list[str]:
    return sorted(o for o in candidates if rules.sees(_reader(session, o), hash_list))


def list_changed(
    session: Session,
    *,
    actor: Actor,
    hash_list: HashList,
    change: str,
    counts: Mapping[str, int] | None = None,
) -> None:
    data: dict[str, str | None] = {
        "list_id": hash_list.id,
        "change": change,
        "change_seq": str(hash_list.change_seq),
        "tlp": hash_list.tlp,
        "path": list_path(hash_list.id),
        **{k: str(v) for k, v in (counts or {}).items()},
    }
    listening = webhooks.organisations_listening(session, KIND)
    if change not in SHARING_CHANGES:
        for org_id in readers(session, hash_list, listening):
            events.publish(session, organisation_id=org_id, kind=KIND, data=data)
        return
    everyone = members.organisation_ids(session)
    for org_id in readers(session, hash_list, everyone | listening):
        if org_id == hash_list.owner_organisation_id:
            if org_id in listening:
                events.publish(session, organisation_id=org_id, kind=KIND, data=data)
            continue
        notifications.notify(
            session,
            actor=actor,
            organisation_id=org_id,
            kind=KIND,
            title="The sharing of a hash list you see changed",
            body=f"It is now labelled TLP:{hash_list.tlp.upper()}.",
            link=list_path(hash_list.id),
            event_data=data,
        )
