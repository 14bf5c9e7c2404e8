"""The subscriber's side: subscribing to a list a peer shares with us, keeping the local
copy in step with the owner's change feed, dropping it when the owner recalls it, and
reporting back what the subscribing organisation agreed to send.

Each feed page is applied in one transaction together with the checkpoint it reaches, so a
sync killed anywhere leaves the copy exactly at a checkpoint, and the next run continues
from there. Applying a page again changes nothing (entries keep the owner's ids)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import ValidationError
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Tlp
from nohaven.errors import Conflict, InvalidInput, NotFound
from nohaven.federation import repository as repo
from nohaven.federation import service, subscriptions
from nohaven.federation.client import PeerUnreachable, ReadAhead
from nohaven.federation.identity import NodeIdentity
from nohaven.federation.models import Peer, PeerStatus, Subscription, SubscriptionStatus
from nohaven.federation.schemas import FeedPage, Report
from nohaven.hashes import repository as hashes_repo
from nohaven.hashes.models import HashList
from nohaven.kit.clock import utcnow

REPORT_BATCH = 5000
SessionFactory = Callable[[], AbstractContextManager[Session]]
RECALL_REASON = "recalled by the owner"


@dataclass
class PageOutcome:
    applied: int = 0
    # entries the owner left out under our country's export rules (as tombstones)
    withheld: int = 0
    more: bool = False
    recalled: bool = False
    error: str | None = None


def apply_page(session: Session, sub: Subscription, peer: Peer, page: FeedPage) -> int:
    """Bring the copy to the page's checkpoint: new entries inserted, known ones updated
    (tombstones included), all with this list's next change numbers."""
    if page.since != sub.checkpoint or page.hash_list.id != sub.remote_list_id:
        raise InvalidInput("The peer answered a different page than the one asked for.")
    copy = session.get(HashList, sub.local_list_id)
    if copy is None:  # pragma: no cover - the copy is never deleted
        raise NotFound("The local copy of the list is gone.")
    now = utcnow()
    if copy.tlp != page.hash_list.tlp.value:
        copy.tlp = page.hash_list.tlp.value  # the owner relabelled it, and we still may see it
        copy.updated_at = now
    rows = page.rows
    ids = [row[2] for row in rows]
    if len(set(ids)) != len(ids):
        raise InvalidInput("The peer's page names an entry twice.")
    known = repo.entries_in(session, ids)
    foreign = [i for i, (list_id, _) in known.items() if list_id != copy.id]
    if foreign:
        raise Conflict(f"Entry ids of the peer collide with entries of other lists: {foreign[:3]}")
    first = hashes_repo.take_seqs(session, copy.id, len(rows)) if rows else 0
    source = f"peer {peer.name}"[:200]
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    for n, row in enumerate(rows):
        (_, _, entry_id, kind, value, quality, scheme, code, series, *flags, gone, reason) = row
        seq = first + n
        changed = (
            entry_id,
            kind.value,
            value,
            quality,
            scheme,
            code,
            now,  # classified_at
            series,
            *flags,  # victim_identified, offender_identified, trusted
            seq,
            now,  # updated_at
            now if gone else None,
            reason if gone else None,
            source,
        )
        if entry_id in known:
            updates.append(changed)
        elif not gone:  # never seen and already gone: nothing to keep
            inserts.append((*changed, copy.id, seq, now, ""))
    if inserts:
        # in (signal type, value) order: the two indexes on the value take them in one sweep
        inserts.sort(key=lambda row: (row[1], row[2]))
        repo.insert_entries(session, inserts)
    if updates:
        repo.update_entries(session, updates)
    sub.checkpoint = page.checkpoint
    sub.remote_head = max(page.hash_list.change_seq, page.checkpoint)
    return len(rows)


def recall(session: Session, sub: Subscription, *, actor: Actor) -> int:
    """The owner no longer lets us see the list: drop our copy. Its entries are tombstoned
    (sightings made meanwhile keep what they point at) and nobody here sees the list any more."""
    copy = session.get(HashList, sub.local_list_id)
    dropped = 0
    if copy is not None:
        ids = repo.live_entry_ids(session, copy.id)
        if ids:
            first = hashes_repo.take_seqs(session, copy.id, len(ids))
            repo.tombstone_entries(session, ids, first_seq=first, at=utcnow(), reason=RECALL_REASON)
        dropped = len(ids)
        copy.audience_organisation_ids = []
        copy.audience_body_ids = []
        copy.tlp = Tlp.RED.value
        copy.updated_at = utcnow()
    sub.status = SubscriptionStatus.RECALLED
    sub.recalled_at = utcnow()
    subscriptions.audit_subscription(session, actor, "recall", sub, dropped=dropped)
    return dropped


def sync_page(
    session: Session,
    *,
    subscription_id: str,
    me: NodeIdentity,
    http: httpx.Client,
    page_size: int,
    ahead: ReadAhead | None = None,
) -> PageOutcome:
    """Fetch and apply the next page of one subscription, in the caller's transaction (with
    ``ahead``, the page after it is fetched meanwhile). A peer that cannot be reached, or
    answers badly, is recorded and nothing else changes."""
    sub = repo.lock_subscription(session, subscription_id)
    if sub is None or sub.status != SubscriptionStatus.ACTIVE:
        return PageOutcome()
    peer = session.get(Peer, sub.peer_id)
    if peer is None or peer.status not in (PeerStatus.ACTIVE, PeerStatus.REQUESTED):
        return PageOutcome(error="the peering is not active")
    actor = Actor.system(f"federation sync: {peer.name}"[:254])
    now = utcnow()
    sub.last_sync_at = now
    client = service.client_for(http, me, peer)
    path = f"/api/v1/federation/lists/{sub.remote_list_id}/changes"
    try:
        answer = ahead.take(sub.id, sub.checkpoint) if ahead is not None else None
        if answer is None:
            answer = client.get(path, {"since": sub.checkpoint, "limit": page_size})
        if answer.status == 404:
            # A signed "no such list": the owner narrowed it past us (or deleted it).
            service.note_contact(peer, error=None)
            dropped = recall(session, sub, actor=actor)
            return PageOutcome(applied=dropped, recalled=True)
        if not answer.ok:
            raise PeerUnreachable(f"The peer answered {answer.status}.")
        page = FeedPage.model_validate_json(answer.raw)
        if ahead is not None and page.more:
            params = {"since": page.checkpoint, "limit": page_size}
            ahead.start(sub.id, page.checkpoint, functools.partial(client.get, path, params))
        savepoint = session.begin_nested()
        try:
            applied = apply_page(session, sub, peer, page)
        except (InvalidInput, Conflict):
            savepoint.rollback()
            raise
        savepoint.commit()
    except (PeerUnreachable, ValidationError, InvalidInput, Conflict) as exc:
        message = _message(exc)
        service.note_contact(peer, error=message)
        sub.last_error = message[:2000]
        return PageOutcome(error=message)
    service.note_contact(peer, error=None)
    sub.last_error = None
    sub.last_success_at = now
    left_out = page.withheld.left_out if page.withheld is not None else {}
    if applied:
        subscriptions.audit_subscription(
            session,
            actor,
            "sync_page",
            sub,
            applied=applied,
            checkpoint=sub.checkpoint,
            withheld=left_out,
        )
    return PageOutcome(applied=applied, withheld=sum(left_out.values()), more=page.more)


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return f"The peer sent a malformed page ({exc.error_count()} problems)."
    return str(getattr(exc, "detail", None) or exc)


def report_back(
    session: Session, *, subscription_id: str, me: NodeIdentity, http: httpx.Client
) -> int:
    """Send the owner what happened here since the last report: sightings (only if the
    subscribing organisation opted in), match feedback and trust votes."""
    sub = repo.lock_subscription(session, subscription_id)
    if sub is None or sub.status != SubscriptionStatus.ACTIVE:
        return 0
    peer = session.get(Peer, sub.peer_id)
    if peer is None:
        return 0
    since = sub.reported_through
    sightings = (
        repo.sightings_since(session, sub.local_list_id, since, REPORT_BATCH)
        if sub.share_sightings
        else []
    )
    feedback = repo.feedback_since(session, sub.local_list_id, since)
    votes = repo.votes_since(session, sub.local_list_id, since)
    if not (sightings or feedback or votes):
        return 0
    report = Report(
        list_id=sub.remote_list_id,
        sightings=[
            {"id": s.id, "entry_id": s.entry_id, "distance": s.distance, "at": s.at}
            for s in sightings
        ],
        feedback=[
            {"entry_id": f.entry_id, "verdict": f.verdict, "comment": f.comment} for f in feedback
        ],
        votes=[{"entry_id": v.entry_id, "verdict": v.verdict, "comment": v.comment} for v in votes],
    )
    client = service.client_for(http, me, peer)
    try:
        answer = client.post("/api/v1/federation/reports", report.model_dump(mode="json"))
        if not answer.ok:
            raise PeerUnreachable(f"The peer answered {answer.status} to our report.")
    except PeerUnreachable as exc:
        sub.last_error = _message(exc)[:2000]
        service.note_contact(peer, error=sub.last_error)
        return 0
    stamps = (
        [s.at for s in sightings] + [f.created_at for f in feedback] + [v.created_at for v in votes]
    )
    sub.reported_through = max(stamps)
    subscriptions.audit_subscription(
        session,
        Actor.system(f"federation report: {peer.name}"[:254]),
        "report",
        sub,
        sightings=len(sightings),
        feedback=len(feedback),
        votes=len(votes),
    )
    return len(sightings) + len(feedback) + len(votes)


@dataclass
class SyncSummary:
    pages: int = 0
    applied: int = 0
    withheld: int = 0
    recalled: int = 0
    reported: int = 0
    errors: list[str] = field(default_factory=list)


def sync_all(
    open_session: SessionFactory,
    *,
    me: NodeIdentity,
    http: httpx.Client,
    page_size: int,
    subscription_ids: list[str] | None = None,
    on_page: Callable[[str, PageOutcome], None] | None = None,
) -> SyncSummary:
    """Every due subscription (or those named) to the owner's head, each page in its own
    transaction, then the reports back: what `nohaven peers sync` runs."""
    with open_session() as session:
        due = [s.id for s, _ in repo.due_subscriptions(session)]
    ids = [i for i in due if subscription_ids is None or i in subscription_ids]
    summary = SyncSummary()
    ahead = ReadAhead()
    try:
        for sub_id in ids:
            while True:
                with open_session() as session:
                    outcome = sync_page(
                        session,
                        subscription_id=sub_id,
                        me=me,
                        http=http,
                        page_size=page_size,
                        ahead=ahead,
                    )
                summary.pages += 1
                summary.applied += outcome.applied
                summary.withheld += outcome.withheld
                summary.recalled += int(outcome.recalled)
                if on_page is not None:
                    on_page(sub_id, outcome)
                if outcome.error:
                    summary.errors.append(outcome.error)
                if not outcome.more:
                    break
            if not outcome.error and not outcome.recalled:
                with open_session() as session:
                    summary.reported += report_back(
                        session, subscription_id=sub_id, me=me, http=http
                    )
    finally:
        ahead.close()
    return summary
