"""Hits: raising them when two or more agencies hold one token, telling the holders (masked
holders first), and each holder's view, reveal and outcome. A holder sees its own side and the
counterparts that have revealed themselves: agency, country, handling code, dates and the
sealed contact card, never the counterparts' case data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.deconfliction.models import Case, Hit, HitParty, Outcome, Registration
from nohaven.errors import InvalidInput, NotFound
from nohaven.kit.clock import utcnow
from nohaven.members.models import Organisation
from nohaven.notifications import service as notifications


def raise_hits(
    session: Session, *, actor: Actor, tokens: Sequence[str], key_epoch: int, now: datetime
) -> dict[str, int]:
    """Create or extend the hits of these freshly registered tokens; notify. Returns, per
    organisation, how many hits it was newly told about."""
    if not tokens:
        return {}
    holders = session.execute(
        select(Registration, Case.reference)
        .join(Case, Case.id == Registration.case_id)
        .where(
            Registration.token.in_(list(tokens)),
            Registration.key_epoch == key_epoch,
            Registration.expires_at > now,
        )
    ).all()
    by_token: dict[str, list[tuple[Registration, str]]] = defaultdict(list)
    for registration, reference in holders:
        by_token[registration.token].append((registration, reference))
    by_token = {
        token: regs
        for token, regs in by_token.items()
        if len({r.organisation_id for r, _ in regs}) >= 2
    }
    if not by_token:
        return {}
    hits = {
        hit.token: hit
        for hit in session.execute(
            select(Hit)
            .options(selectinload(Hit.parties))
            .where(Hit.token.in_(list(by_token)), Hit.key_epoch == key_epoch)
        ).scalars()
    }
    told: dict[str, int] = defaultdict(int)
    for token, regs in by_token.items():
        hit = hits.get(token)
        if hit is None:
            hit = Hit(
                token=token,
                key_epoch=key_epoch,
                selector_type=regs[0][0].selector_type,
                created_at=now,
                parties=[],
            )
            session.add(hit)
            session.flush()
            audit.record(
                session,
                actor=actor,
                action="deconfliction.hit",
                resource_type="deconfliction_hit",
                resource_id=hit.id,
                organisation_id=None,
                summary={"organisations": len({r.organisation_id for r, _ in regs})},
            )
        known = {p.registration_id for p in hit.parties}
        for registration, reference in regs:
            if registration.id in known:
                continue
            hit.parties.append(
                HitParty(
                    registration_id=registration.id,
                    organisation_id=registration.organisation_id,
                    case_reference=reference,
                    handling_code=registration.handling_code,
                    registered_at=registration.created_at,
                    sealed_contact=registration.sealed_contact,
                    revealed=not registration.masked,
                    joined_at=now,
                    counterparts_notified=0,
                )
            )
        session.flush()
        for org in _advance_notices(hit):
            told[org] += 1
    _send_notices(session, actor=actor, told=told)
    return told


def _known_counterparts(hit: Hit, party: HitParty) -> int:
    """How many other agencies this party may know of: a masked party (told first) knows of
    every counterpart; a revealed one only of those that have revealed themselves."""
    others = [p for p in hit.parties if p.organisation_id != party.organisation_id]
    if not party.revealed:
        return len({p.organisation_id for p in others})
    return len({p.organisation_id for p in others if p.revealed})


def _advance_notices(hit: Hit) -> set[str]:
    """Mark the parties that now know of more counterparts than they were told; return their
    organisations (each is told once per hit per change)."""
    now = utcnow()
    orgs = set()
    for party in hit.parties:
        known = _known_counterparts(hit, party)
        if known > party.counterparts_notified:
            party.counterparts_notified = known
            party.notified_at = now
            orgs.add(party.organisation_id)
    return orgs


def _send_notices(session: Session, *, actor: Actor, told: dict[str, int]) -> None:
    for organisation_id, count in told.items():
        notifications.notify(
            session,
            actor=actor,
            organisation_id=organisation_id,
            kind="deconfliction.hit",
            title=f"{count} deconfliction hit{'s' if count != 1 else ''} to review",
            body="Another agency holds a selector of one of your cases. Open the hits inbox "
            "for the counterpart and its sealed contact card.",
            link="/deconfliction/hits",
        )


# --- reading hits -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Counterpart:
    organisation_name: str
    country: str | None
    handling_code: str
    registered_at: datetime
    sealed_contact: str | None


@dataclass(frozen=True)
class HitView:
    hit_id: str
    token: str  # the reader holds it already; its client finds its contact key by it
    selector_type: str
    created_at: datetime
    party: HitParty  # the reader's own side (its case reference, outcome, mask)
    counterparts: list[Counterpart]
    masked_counterparts: int  # only a masked reader learns of masked counterparts


def _visible(session: Session, hit: Hit, party: HitParty) -> HitView:
    others = [p for p in hit.parties if p.organisation_id != party.organisation_id]
    orgs = {
        o.id: o
        for o in session.execute(
            select(Organisation).where(Organisation.id.in_({p.organisation_id for p in others}))
        ).scalars()
    }
    shown = [p for p in others if p.revealed]
    hidden = {p.organisation_id for p in others if not p.revealed}
    return HitView(
        hit_id=hit.id,
        token=hit.token,
        selector_type=hit.selector_type,
        created_at=hit.created_at,
        party=party,
        counterparts=[
            Counterpart(
                organisation_name=orgs[p.organisation_id].name,
                country=orgs[p.organisation_id].country,
                handling_code=p.handling_code,
                registered_at=p.registered_at,
                sealed_contact=p.sealed_contact,
            )
            for p in shown
        ],
        masked_counterparts=len(hidden) if not party.revealed else 0,
    )


def hits_awaiting_outcome(session: Session, *, actor: Actor) -> int:
    """How many hits the actor's organisation was told of and has not said what they were:
    a count for the dashboard, which shows nothing of the hits themselves (reading those is
    audited, on the deconfliction pages)."""
    require(actor, Action.LIST, Hit)
    return int(
        session.scalar(
            select(func.count())
            .select_from(HitParty)
            .where(
                HitParty.organisation_id == actor.organisation_id,
                HitParty.counterparts_notified > 0,
                HitParty.outcome.is_(None),
            )
        )
        or 0
    )


def list_hits(session: Session, *, actor: Actor) -> list[HitView]:
    """The hits the actor's organisation has been told about, newest first."""
    require(actor, Action.LIST, Hit)
    parties = (
        session.execute(
            select(HitParty)
            .options(selectinload(HitParty.hit).selectinload(Hit.parties))
            .where(
                HitParty.organisation_id == actor.organisation_id,
                HitParty.counterparts_notified > 0,
            )
            .order_by(HitParty.notified_at.desc())
        )
        .scalars()
        .all()
    )
    views = [_visible(session, p.hit, p) for p in parties]
    audit.record(
        session,
        actor=actor,
        action="deconfliction.hits.list",
        resource_type="deconfliction_hit",
        summary={"count": len(views)},
    )
    return views


def _own_parties(session: Session, *, actor: Actor, hit_id: str) -> tuple[Hit, list[HitParty]]:
    hit = session.execute(
        select(Hit).options(selectinload(Hit.parties)).where(Hit.id == hit_id)
    ).scalar_one_or_none()
    own = [p for p in hit.parties if p.organisation_id == actor.organisation_id] if hit else []
    # Another organisation's hit is "not found", so that its existence is not disclosed.
    if hit is None or not own or all(p.counterparts_notified == 0 for p in own):
        raise NotFound("No such hit.")
    for party in own:
        require(actor, Action.READ, party)
    return hit, own


def get_hit(session: Session, *, actor: Actor, hit_id: str) -> HitView:
    hit, own = _own_parties(session, actor=actor, hit_id=hit_id)
    audit.record(
        session,
        actor=actor,
        action="deconfliction.hit.read",
        resource_type="deconfliction_hit",
        resource_id=hit.id,
    )
    return _visible(session, hit, own[0])


def reveal(session: Session, *, actor: Actor, hit_id: str) -> HitView:
    """A masked agency shows itself to its counterparts, who are told now."""
    hit, own = _own_parties(session, actor=actor, hit_id=hit_id)
    for party in own:
        require(actor, Action.UPDATE, party)
        party.revealed = True
    session.flush()
    told = dict.fromkeys(_advance_notices(hit), 1)
    _send_notices(session, actor=actor, told=told)
    audit.record(
        session,
        actor=actor,
        action="deconfliction.hit.reveal",
        resource_type="deconfliction_hit",
        resource_id=hit.id,
        summary={"organisations_told": len(told)},
    )
    return _visible(session, hit, own[0])


def record_outcome(session: Session, *, actor: Actor, hit_id: str, outcome: str) -> HitView:
    if outcome not in {o.value for o in Outcome}:
        raise InvalidInput(
            "The outcome is relevant, deconflicted or false_positive.",
            errors=[{"field": "outcome", "message": "relevant, deconflicted or false_positive"}],
        )
    hit, own = _own_parties(session, actor=actor, hit_id=hit_id)
    now = utcnow()
    for party in own:
        require(actor, Action.RESPOND, party)
        party.outcome, party.outcome_at, party.outcome_by_id = outcome, now, actor.user_id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="deconfliction.hit.outcome",
        resource_type="deconfliction_hit",
        resource_id=hit.id,
        summary={"outcome": outcome},
    )
    return _visible(session, hit, own[0])
