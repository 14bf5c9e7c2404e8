"""Deconfliction rules: evaluation, registrations and the hits they make. Cases and their
expiry are in `cases`.

The server sees blinded elements (uniformly random group elements) and match tokens; it never
sees a selector. Audit entries carry counts and ids, never tokens or values.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select, text
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.config import DeconflictionSettings
from nohaven.deconfliction import epochs, hits, oprf, quotas
from nohaven.deconfliction.models import Case, HandlingCode, Registration
from nohaven.deconfliction.selectors import SELECTOR_TYPES
from nohaven.errors import Conflict, Forbidden, InvalidInput
from nohaven.kit.clock import as_utc, utcnow
from nohaven.kit.ids import new_id

_TOKEN_HEX = frozenset("0123456789abcdef")
_MAX_SEALED = 4096
_LOOKUP_CHUNK = 1000
# Any constant will do: it names the PostgreSQL advisory lock that serialises registrations.
_REGISTRATION_LOCK = 0x6E684443
_REGISTRATIONS = cast(Table, Registration.__table__)


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def organisation_of(actor: Actor) -> str:
    if actor.organisation_id is None:
        raise Forbidden("Deconfliction is for member agencies' analysts.")
    return actor.organisation_id


# --- evaluation -------------------------------------------------------------------------------


def evaluate(
    session: Session,
    *,
    actor: Actor,
    key: oprf.KeyPair,
    blinded: Sequence[bytes],
    limits: DeconflictionSettings,
) -> tuple[int, list[bytes]]:
    """Evaluate a batch of blinded elements under the server key, within the quotas."""
    require(actor, Action.MATCH, Registration)
    if not blinded:
        raise InvalidInput("Send at least one blinded element.")
    if len(blinded) > limits.batch_max:
        raise InvalidInput(f"At most {limits.batch_max} blinded elements per request.")
    epoch = epochs.epoch_for_key(session, key)
    # The quota first: a refused batch costs the server no group operations. An invalid
    # element below rolls the whole transaction back, quota use included.
    quotas.consume(session, actor=actor, count=len(blinded), limits=limits)
    try:
        evaluated = oprf.blind_evaluate_batch(key.secret, blinded)
    except oprf.OprfError as exc:
        raise InvalidInput(str(exc), errors=[{"field": "elements", "message": str(exc)}]) from exc
    audit.record(
        session,
        actor=actor,
        action="deconfliction.evaluate",
        resource_type="deconfliction_evaluation",
        summary={"count": len(blinded), "epoch": epoch},
    )
    return epoch, evaluated


# --- registration and hits ----------------------------------------------------------------------


@dataclass(frozen=True)
class TokenItem:
    token: str  # hex of HKDF(output, "match")
    selector_type: str
    sealed_contact: str  # opaque to the server


@dataclass(frozen=True)
class RegisterResult:
    case_id: str
    registered: int
    duplicates: int
    hits: int  # hits this organisation is told about now


def _check_items(items: Sequence[TokenItem], limits: DeconflictionSettings) -> None:
    if not items:
        raise InvalidInput("Send at least one token.")
    if len(items) > limits.batch_max:
        raise InvalidInput(f"At most {limits.batch_max} tokens per request.")
    for i, item in enumerate(items):
        if len(item.token) != 64 or not set(item.token) <= _TOKEN_HEX:
            raise InvalidInput(
                "A token is 64 lower-case hex digits.",
                errors=[{"field": f"items[{i}].token", "message": "not a token"}],
            )
        if item.selector_type not in SELECTOR_TYPES:
            raise InvalidInput(
                f"Unknown selector type {item.selector_type!r}.",
                errors=[{"field": f"items[{i}].selector_type", "message": "unknown type"}],
            )
        if not item.sealed_contact or len(item.sealed_contact) > _MAX_SEALED:
            raise InvalidInput(
                "Each token needs its sealed contact card (at most 4 KiB).",
                errors=[{"field": f"items[{i}].sealed_contact", "message": "missing or long"}],
            )


def _check_reference(reference: str) -> str:
    reference = reference.strip()
    if not 1 <= len(reference) <= 80 or any(not ch.isprintable() for ch in reference):
        raise InvalidInput(
            "A case reference is 1 to 80 printable characters.",
            errors=[{"field": "case_reference", "message": "1 to 80 printable characters"}],
        )
    return reference


def open_case(session: Session, *, actor: Actor, reference: str) -> Case:
    require(actor, Action.CREATE, Case)
    own = organisation_of(actor)
    reference = _check_reference(reference)
    case = session.execute(
        select(Case).where(
            Case.organisation_id == actor.organisation_id, Case.reference == reference
        )
    ).scalar_one_or_none()
    if case is None:
        case = Case(organisation_id=own, reference=reference, created_by_id=actor.user_id)
        session.add(case)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="deconfliction.case.open",
            resource_type="deconfliction_case",
            resource_id=case.id,
        )
    elif case.closed_at is not None:
        raise Conflict("This case is closed; use a new reference for a new case.")
    return case


def register(
    session: Session,
    *,
    actor: Actor,
    case_reference: str,
    key_epoch: int,
    handling_code: str,
    items: Sequence[TokenItem],
    masked: bool = False,
    expires_at: datetime | None = None,
    limits: DeconflictionSettings,
) -> RegisterResult:
    """Register a batch of match tokens under a case and raise hits with other agencies."""
    require(actor, Action.CREATE, Registration)
    _serialise_registrations(session)
    if handling_code not in {code.value for code in HandlingCode}:
        raise InvalidInput(
            "The handling code is one of H0, H1, H2, H3.",
            errors=[{"field": "handling_code", "message": "H0, H1, H2 or H3"}],
        )
    _check_items(items, limits)
    now = utcnow()
    expires = as_utc(expires_at) if expires_at else add_months(now, limits.registration_months)
    if expires <= now or expires > add_months(now, limits.registration_months):
        raise InvalidInput(
            f"The expiry lies in the next {limits.registration_months} months.",
            errors=[{"field": "expires_at", "message": "out of range"}],
        )
    current = epochs.current_epoch(session)
    if current is None or current.epoch != key_epoch:
        raise Conflict(
            "These tokens were made under another key epoch: evaluate and register again."
        )
    case = open_case(session, actor=actor, reference=case_reference)
    org = organisation_of(actor)

    unique: dict[str, TokenItem] = {}
    for item in items:
        unique.setdefault(item.token, item)
    # One look-up of the batch's tokens that are already registered by anyone: usually none.
    existing: set[str] = set()
    held_elsewhere: set[str] = set()
    for token, case_id, holder, expiry in _already_registered(session, list(unique), key_epoch):
        if case_id == case.id:
            existing.add(token)
        elif holder != org and as_utc(expiry) > now:
            held_elsewhere.add(token)
    rows = [
        {
            "id": new_id(),
            "case_id": case.id,
            "organisation_id": org,
            "token": token,
            "key_epoch": key_epoch,
            "selector_type": item.selector_type,
            "handling_code": handling_code,
            "masked": masked,
            "sealed_contact": item.sealed_contact,
            "registered_by_id": actor.user_id,
            "created_at": now,
            "expires_at": expires,
        }
        for token, item in unique.items()
        if token not in existing
    ]
    if rows:
        # Core executemany: the ORM's bulk path costs several times more per row.
        session.execute(insert(_REGISTRATIONS), rows)
    new_hits = [token for token in held_elsewhere if token not in existing]
    notified = hits.raise_hits(session, actor=actor, tokens=new_hits, key_epoch=key_epoch, now=now)
    audit.record(
        session,
        actor=actor,
        action="deconfliction.register",
        resource_type="deconfliction_case",
        resource_id=case.id,
        summary={
            "registered": len(rows),
            "duplicates": len(items) - len(rows),
            "epoch": key_epoch,
            "masked": masked,
        },
    )
    if rows:
        quotas.check_hit_ratio(session, actor=actor, organisation_id=org, limits=limits)
    return RegisterResult(
        case_id=case.id,
        registered=len(rows),
        duplicates=len(items) - len(rows),
        hits=notified.get(org, 0),
    )


def holders(
    session: Session, *, tokens: Sequence[str], key_epoch: int, now: datetime | None = None
) -> dict[str, set[str]]:
    """The organisations holding each of ``tokens`` in a live registration of ``key_epoch``:
    a blind check that registers nothing and raises no hit (a referral checked before it is
    sent, in `nohaven.operations`). Only tokens someone holds are keys of the answer."""
    moment = now or utcnow()
    found: dict[str, set[str]] = {}
    for token, _case_id, holder, expiry in _already_registered(session, list(tokens), key_epoch):
        if as_utc(expiry) > moment:
            found.setdefault(token, set()).add(holder)
    return found


def _serialise_registrations(session: Session) -> None:
    """Two agencies registering the same selector at the same moment must not each miss the
    other's uncommitted row: registrations take turns. PostgreSQL: a transaction-scoped
    advisory lock (rows committed before it is granted are visible to READ COMMITTED
    statements after it); SQLite: every transaction already begins IMMEDIATE (db.py)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _REGISTRATION_LOCK})


def _already_registered(
    session: Session, tokens: list[str], key_epoch: int
) -> list[tuple[str, str, str, datetime]]:
    found: list[tuple[str, str, str, datetime]] = []
    for start in range(0, len(tokens), _LOOKUP_CHUNK):
        found.extend(
            (row[0], row[1], row[2], row[3])
            for row in session.execute(
                select(
                    Registration.token,
                    Registration.case_id,
                    Registration.organisation_id,
                    Registration.expires_at,
                ).where(
                    Registration.key_epoch == key_epoch,
                    Registration.token.in_(tokens[start : start + _LOOKUP_CHUNK]),
                )
            ).all()
        )
    return found
