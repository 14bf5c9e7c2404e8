"""How each person hears of each kind of notice: at once by e-mail, in a daily digest, or only
in the inbox. Without a choice the kind's default holds; a designated contact always gets the
urgent kinds of their area at once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.errors import InvalidInput
from nohaven.kit.clock import utcnow
from nohaven.notifications.addressing import designated
from nohaven.notifications.kinds import KINDS, Kind
from nohaven.notifications.models import Delivery, NoticePreference


@dataclass(frozen=True)
class Choice:
    kind: Kind
    delivery: Delivery
    # Fixed for this person: they are the designated contact for an urgent kind.
    locked: bool


def chosen(session: Session, user_id: str) -> dict[str, Delivery]:
    rows = session.execute(
        select(NoticePreference.kind, NoticePreference.delivery).where(
            NoticePreference.user_id == user_id
        )
    ).all()
    return {kind: Delivery(delivery) for kind, delivery in rows}


def effective(kind: Kind, *, choice: Delivery | None, is_contact: bool) -> Delivery:
    if kind.mandatory and is_contact:
        return Delivery.IMMEDIATE
    return choice if choice is not None else kind.default


def choices(session: Session, *, actor: Actor) -> list[Choice]:
    """Every kind with this person's delivery, for their preferences page."""
    if actor.user_id is None or actor.organisation_id is None:
        return []
    mine = chosen(session, actor.user_id)
    areas = {
        area
        for area in {k.area for k in KINDS.values() if k.area}
        if actor.user_id in designated(session, organisation_id=actor.organisation_id, area=area)
    }
    out = []
    for kind in KINDS.values():
        locked = kind.mandatory and kind.area in areas
        delivery = effective(kind, choice=mine.get(kind.key), is_contact=locked)
        out.append(Choice(kind=kind, delivery=delivery, locked=locked))
    return out


def set_choices(session: Session, *, actor: Actor, wanted: dict[str, str]) -> int:
    """Record the person's choices (kind -> delivery); locked kinds keep their delivery."""
    if actor.user_id is None:
        raise InvalidInput("Only a person has notice preferences.")
    current = {c.kind.key: c for c in choices(session, actor=actor)}
    rows = {
        p.kind: p
        for p in session.execute(
            select(NoticePreference).where(NoticePreference.user_id == actor.user_id)
        ).scalars()
    }
    changed = 0
    for key, value in wanted.items():
        if key not in KINDS:
            raise InvalidInput(f"Unknown kind of notice: {key}")
        try:
            delivery = Delivery(value)
        except ValueError:
            raise InvalidInput(f"Unknown delivery: {value}") from None
        if current[key].locked or (current[key].delivery == delivery and key in rows):
            continue
        row = rows.get(key)
        if row is None:
            session.add(NoticePreference(user_id=actor.user_id, kind=key, delivery=delivery))
        else:
            row.delivery = delivery
            row.updated_at = utcnow()
        changed += 1
    session.flush()
    if changed:
        audit.record(
            session,
            actor=actor,
            action="notice.preferences.update",
            resource_type="user",
            resource_id=actor.user_id,
            organisation_id=actor.organisation_id,
            summary={"changed": changed},
        )
    return changed
