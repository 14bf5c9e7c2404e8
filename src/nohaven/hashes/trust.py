"""Trust votes on hash entries (an entry is trusted once enough organisations confirm it)
and match feedback from those who matched it. Every function asks the policy first.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action
from nohaven.errors import Conflict
from nohaven.hashes import repository as repo
from nohaven.hashes.models import HashEntry, HashList, MatchFeedback, TrustVote, VoteVerdict
from nohaven.hashes.schemas import FeedbackCreate, VoteCreate
from nohaven.hashes.service import entry_and_list, organisation_of, record_audit
from nohaven.kit.clock import utcnow
from nohaven.notifications import service as notifications


def _recompute_trust(session: Session, entry: HashEntry, hash_list: HashList) -> None:
    """Trusted after N confirmations from different organisations (never the owner), cast
    since the current classification, and no dispute."""
    votes = [
        v
        for v in repo.votes_of(session, entry.id)
        if v.created_at >= entry.classified_at
        and v.organisation_id != hash_list.owner_organisation_id
    ]
    confirming = {v.organisation_id for v in votes if v.verdict == VoteVerdict.CONFIRM}
    disputed = any(v.verdict == VoteVerdict.DISPUTE for v in votes)
    trusted = (
        entry.classification is not None
        and not disputed
        and len(confirming) >= hash_list.trust_threshold
    )
    if trusted != entry.trusted:
        entry.trusted = trusted
        entry.seq = repo.take_seqs(session, hash_list.id, 1)
        entry.updated_at = utcnow()


def vote(session: Session, *, actor: Actor, entry_id: str, data: VoteCreate) -> TrustVote:
    entry, hash_list = entry_and_list(session, actor=actor, entry_id=entry_id, action=Action.VOTE)
    if not entry.is_live:
        raise Conflict("A tombstoned entry takes no votes.")
    if entry.classification is None:
        raise Conflict("An unclassified entry has no classification to vote on.")
    org = organisation_of(actor)
    ballot = repo.vote_of(session, entry.id, org)
    if ballot is None:
        ballot = TrustVote(entry_id=entry.id, organisation_id=org)
        session.add(ballot)
    ballot.user_id = actor.user_id
    ballot.verdict = data.verdict.value
    ballot.comment = data.comment
    ballot.created_at = utcnow()
    session.flush()
    _recompute_trust(session, entry, hash_list)
    session.flush()
    record_audit(session, actor, "entry_vote", hash_list, entry=entry.id, verdict=ballot.verdict)
    if ballot.verdict == VoteVerdict.DISPUTE:
        notifications.notify(
            session,
            actor=actor,
            organisation_id=hash_list.owner_organisation_id,
            kind="hashes.dispute",
            title="A partner disputes the classification of one of your hash list entries",
            link=f"/hash-entries/{entry.id}",
        )
    return ballot


def give_feedback(
    session: Session, *, actor: Actor, entry_id: str, data: FeedbackCreate
) -> MatchFeedback:
    entry, hash_list = entry_and_list(
        session, actor=actor, entry_id=entry_id, action=Action.RESPOND
    )
    org = organisation_of(actor)
    found = repo.feedback_by(session, entry.id, org)
    if found is None:
        found = MatchFeedback(entry_id=entry.id, organisation_id=org)
        session.add(found)
    found.user_id = actor.user_id
    found.verdict = data.verdict.value
    found.comment = data.comment
    found.created_at = utcnow()
    session.flush()
    record_audit(session, actor, "entry_feedback", hash_list, entry=entry.id, verdict=found.verdict)
    notifications.notify(
        session,
        actor=actor,
        organisation_id=hash_list.owner_organisation_id,
        kind="hashes.feedback",
        title="Match feedback on one of your hash list entries",
        link=f"/hash-entries/{entry.id}",
    )
    return found
