"""What this node serves its peers: the lists the owner's policy lets a peer see, their
change feed page by page, and what subscribers report back (sightings, match feedback, trust
votes). The peer acts as its organisation here, so `nohaven.auth.policy` decides for it."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, hidden
from nohaven.errors import NohavenError
from nohaven.federation import repository as repo
from nohaven.federation.models import Peer
from nohaven.federation.schemas import FEED_COLUMNS, FEED_PAGE_MAX, Report, ReportReceipt
from nohaven.hashes import feed, jurisdiction, trust
from nohaven.hashes import repository as hashes_repo
from nohaven.hashes import service as hashes_service
from nohaven.hashes.models import HashList, Sighting
from nohaven.hashes.schemas import FeedbackCreate, VoteCreate


def list_summary(hash_list: HashList) -> dict[str, Any]:
    return {
        "id": hash_list.id,
        "name": hash_list.name,
        "description": hash_list.description,
        "tlp": hash_list.tlp,
        "kind": hash_list.kind,
        "change_seq": hash_list.change_seq,
    }


def shared_lists(session: Session, *, actor: Actor) -> list[dict[str, Any]]:
    copies = repo.copy_list_ids(session)
    return [
        list_summary(h)
        for h in hashes_service.visible_lists(session, actor=actor)
        if can(actor, Action.EXPORT, h) and h.id not in copies
    ]


@dataclass
class Withholding:
    """What a peer's country may not receive of a list (the secretariat's export rules, as
    for a file exported for that country), and the tally of what was left out and why."""

    country: str
    allowed: frozenset[tuple[str, str]]
    left_out: Counter[str] = field(default_factory=Counter)

    def why(self, scheme: str | None, code: str | None) -> str | None:
        return jurisdiction.category_verdict(scheme, code, self.allowed)

    def report(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "allowed": sorted(f"{s}:{c}" for s, c in self.allowed),
            "left_out": dict(self.left_out),
        }


def withholding_for(session: Session, actor: Actor) -> Withholding | None:
    """The rules of the peer's country; a peer whose organisation has no country here (an
    intergovernmental body) is under no national rules."""
    if not actor.country:
        return None
    return Withholding(actor.country, jurisdiction.allowed_for(session, actor.country))


def feed_page(
    session: Session, *, actor: Actor, list_id: str, since: int, limit: int
) -> dict[str, Any]:
    """One page of the hashes change feed, read as the peer (audited by the feed). An entry
    the peer's country may not receive goes as a tombstone without its hash: never sent if
    the peer never had it, dropped from its copy if it had."""
    if list_id in repo.copy_list_ids(session):
        raise hidden(HashList.policy_kind)
    page = feed.change_rows(
        session, actor=actor, list_id=list_id, since=since, limit=limit, most=FEED_PAGE_MAX
    )
    rules = withholding_for(session, actor)
    verdicts: dict[tuple[str | None, str | None], str | None] = {}
    rows = []
    for seq, first, entry_id, kind, value, quality, scheme, code, *rest in page.rows:
        series, victim, offender, trusted, gone, reason = rest
        why = None
        if rules is not None and gone is None:
            if (scheme, code) not in verdicts:
                verdicts[(scheme, code)] = rules.why(scheme, code)
            why = verdicts[(scheme, code)]
        if why is not None and rules is not None:
            rules.left_out[why] += 1
            note = f"withheld for {rules.country}: {why}"[:200]
            # the entry's id stands in for its hash, which does not go
            flags = (False, False, False, True)
            rows.append(
                (
                    seq,
                    "tombstoned",
                    entry_id,
                    kind,
                    entry_id,
                    None,
                    scheme,
                    code,
                    None,
                    *flags,
                    note,
                )
            )
            continue
        change = "tombstoned" if gone else ("added" if seq == first else "updated")
        flags = (victim, offender, trusted, gone is not None)
        rows.append(
            (seq, change, entry_id, kind, value, quality, scheme, code, series, *flags, reason)
        )
    withheld = rules.report() if rules is not None else None
    if rules is not None and rules.left_out:
        hashes_service.record_audit(
            session, actor, "federation_withheld", page.hash_list, since=since, **rules.report()
        )
    return {
        "list": list_summary(page.hash_list),
        "since": since,
        "checkpoint": page.checkpoint,
        "more": page.more,
        "columns": FEED_COLUMNS,
        "rows": rows,
        "withheld": withheld,
    }


def receive_report(session: Session, *, peer: Peer, actor: Actor, report: Report) -> ReportReceipt:
    """Sightings, feedback and votes from a subscriber, each on an entry of the list the peer
    may see; a report sent again changes nothing (sightings keep the subscriber's ids)."""
    hash_list = hashes_service.get_list(
        session, actor=actor, list_id=report.list_id, action=Action.MATCH
    )
    ids = (
        {s.entry_id for s in report.sightings}
        | {f.entry_id for f in report.feedback}
        | {v.entry_id for v in report.votes}
    )
    in_list = {
        i for i, (list_id, _) in repo.entries_in(session, ids).items() if list_id == hash_list.id
    }
    known = repo.existing_sighting_ids(session, [s.id for s in report.sightings])
    sightings = 0
    for s in report.sightings:
        if s.entry_id not in in_list or s.id in known:
            continue
        session.add(
            Sighting(
                id=s.id,
                entry_id=s.entry_id,
                list_id=hash_list.id,
                list_owner_organisation_id=hash_list.owner_organisation_id,
                organisation_id=actor.organisation_id,
                user_id=actor.user_id,
                actor_label=f"node {peer.name}"[:254],
                distance=s.distance,
                at=s.at,
            )
        )
        sightings += 1
    org = actor.organisation_id or ""
    feedback = votes = 0
    for f in report.feedback:
        now = hashes_repo.feedback_by(session, f.entry_id, org)
        if f.entry_id not in in_list or (
            now and (now.verdict, now.comment) == (f.verdict, f.comment)
        ):
            continue  # the same verdict again: nothing to tell the owner twice
        data = FeedbackCreate(verdict=f.verdict, comment=f.comment)
        feedback += _tolerant(
            session,
            functools.partial(
                trust.give_feedback, session, actor=actor, entry_id=f.entry_id, data=data
            ),
        )
    for v in report.votes:
        ballot = hashes_repo.vote_of(session, v.entry_id, org)
        if v.entry_id not in in_list or (
            ballot and (ballot.verdict, ballot.comment) == (v.verdict, v.comment)
        ):
            continue
        ballot_data = VoteCreate(verdict=v.verdict, comment=v.comment)
        votes += _tolerant(
            session,
            functools.partial(
                trust.vote, session, actor=actor, entry_id=v.entry_id, data=ballot_data
            ),
        )
    session.flush()
    hashes_service.record_audit(
        session,
        actor,
        "federation_report",
        hash_list,
        sightings=sightings,
        feedback=feedback,
        votes=votes,
    )
    return ReportReceipt(sightings=sightings, feedback=feedback, votes=votes)


def _tolerant(session: Session, apply: Callable[[], object]) -> int:
    """One refused verdict (a vote on an entry tombstoned meanwhile) must not refuse the rest
    of the report: it is skipped, inside a savepoint so it leaves nothing behind."""
    savepoint = session.begin_nested()
    try:
        apply()
    except NohavenError:
        savepoint.rollback()
        return 0
    savepoint.commit()
    return 1
