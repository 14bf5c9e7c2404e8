"""Key epochs: which OPRF key is current. Tokens of an older epoch no longer match; rotating
the key opens a new epoch and asks every holder of older registrations to register again."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.deconfliction import oprf
from nohaven.deconfliction.models import KeyEpoch, Registration
from nohaven.errors import Conflict
from nohaven.kit.clock import utcnow
from nohaven.notifications import service as notifications


def current_epoch(session: Session) -> KeyEpoch | None:
    return session.execute(
        select(KeyEpoch).where(KeyEpoch.retired_at.is_(None)).order_by(KeyEpoch.epoch.desc())
    ).scalar_one_or_none()


def epoch_for_key(session: Session, key: oprf.KeyPair) -> int:
    """The epoch of the configured key; the first key ever used opens epoch 1."""
    from nohaven.deconfliction.keys import KeyUnavailable

    current = current_epoch(session)
    if current is None:
        if session.scalar(select(func.count()).select_from(KeyEpoch)):
            raise KeyUnavailable("Every key epoch is retired: run `nohaven deconflict rotate-key`.")
        current = KeyEpoch(epoch=1, public_key=key.public.hex(), started_at=utcnow())
        session.add(current)
        session.flush()
    if current.public_key != key.public.hex():
        raise KeyUnavailable(
            "The configured OPRF key is not the current epoch's key. If it was changed on "
            "purpose, run `nohaven deconflict rotate-key`; otherwise restore the old key."
        )
    return current.epoch


def rotate_key(session: Session, *, actor: Actor, key: oprf.KeyPair) -> KeyEpoch:
    """Start a new epoch for the (newly configured) key. Registrations of older epochs stop
    matching; every organisation holding some is asked to register its cases again."""
    require(actor, Action.MANAGE, KeyEpoch)
    current = current_epoch(session)
    if current is not None and current.public_key == key.public.hex():
        raise Conflict("The configured key is already the current epoch's: configure a new one.")
    if session.scalar(select(KeyEpoch).where(KeyEpoch.public_key == key.public.hex())):
        raise Conflict("This key was used in an earlier epoch; a retired key is never reused.")
    now = utcnow()
    latest = session.scalar(select(func.max(KeyEpoch.epoch))) or 0
    if current is not None:
        current.retired_at = now
    epoch = KeyEpoch(epoch=latest + 1, public_key=key.public.hex(), started_at=now)
    session.add(epoch)
    session.flush()
    holders = session.execute(
        select(Registration.organisation_id, func.count())
        .where(Registration.key_epoch < epoch.epoch)
        .group_by(Registration.organisation_id)
    ).all()
    for organisation_id, _count in holders:
        notifications.notify(
            session,
            actor=actor,
            organisation_id=organisation_id,
            kind="deconfliction.rekey",
            title="Deconfliction key rotated: register your cases again",
            body="The alliance's deconfliction key changed. Registrations made before the "
            "change no longer match; register the selectors of your open cases again.",
            link="/deconfliction",
        )
    audit.record(
        session,
        actor=actor,
        action="deconfliction.rotate_key",
        resource_type="deconfliction_key",
        resource_id=str(epoch.epoch),
        summary={"epoch": epoch.epoch, "organisations_asked": len(holders)},
    )
    return epoch
