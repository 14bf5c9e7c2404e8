"""Referrals between participants: one agency passes a package about a suspect or an account
to the participating agency of the country concerned.

The package (the subject's names, the selectors, the summary) is sealed at rest, bound to its
row; only the sender and the receiver open it, and every opening is audited. Before sending,
the sender may check the selectors blind against the other participants' deconfliction
registrations: they are blinded and evaluated through the deconfliction service (OPRF), the
resulting tokens are looked up without being registered, and the two agencies learn that they
hold the same target — the holder is told only that, the sender only who holds it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, hidden, require
from nohaven.config import DeconflictionSettings, OperationsSettings, Settings
from nohaven.deconfliction import client as blind
from nohaven.deconfliction import keys, oprf
from nohaven.deconfliction import service as deconfliction
from nohaven.deconfliction.selectors import InvalidSelector, Selector, normalise
from nohaven.errors import Conflict, InvalidInput
from nohaven.keys.sealing import open_value, row_session, seal_value
from nohaven.kit.clock import as_utc, utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.ids import is_id, new_id
from nohaven.members.models import Organisation
from nohaven.operations import repository as repo
from nohaven.operations import service
from nohaven.operations.models import Activity, Phase, Referral, ReferralStatus
from nohaven.operations.rules import participants
from nohaven.operations.schemas import (
    OutcomeIn,
    PackageRead,
    ReferralCreate,
    SelectorIn,
    SelectorRead,
)

REFERRALS = "operations_referrals"


def referral_link(referral: Referral) -> str:
    return f"/operations/{referral.activity_id}/referrals/{referral.id}"


def _selectors(given: list[SelectorIn], region: str) -> list[Selector]:
    """Each selector in its canonical form (as deconfliction registers it), or a clear 422."""
    out = []
    for i, item in enumerate(given):
        try:
            out.append(normalise(item.type, item.value, platform=item.platform, region=region))
        except InvalidSelector as exc:
            raise InvalidInput(
                f"Selector {i + 1}: {str(exc).rstrip('.')}.",
                errors=[{"field": f"selectors.{i}.value", "message": str(exc)}],
            ) from exc
    return out


def _region(session: Session, actor: Actor) -> str:
    org = session.get(Organisation, actor.organisation_id) if actor.organisation_id else None
    return (org.country if org and org.country else "GB").upper()


# --- the blind check --------------------------------------------------------------------------


@dataclass(frozen=True)
class BlindCheck:
    """What checking selectors blind takes: the deconfliction key and its quotas."""

    key: oprf.KeyPair
    limits: DeconflictionSettings


def blind_check_for(settings: Settings) -> BlindCheck:
    """The key and quotas from the settings; `KeyUnavailable` (503) when no key is set."""
    return BlindCheck(key=keys.server_key(settings), limits=settings.deconfliction)


def blind_check_if_configured(settings: Settings) -> BlindCheck | None:
    """When a deconfliction key is configured, a referral is checked blind before it is sent;
    without one it is sent unchecked (its matches stay unknown, and its page says so)."""
    try:
        return blind_check_for(settings)
    except keys.KeyUnavailable:
        return None


@dataclass(frozen=True)
class CheckResult:
    checked: int
    holder_ids: list[str]
    holder_names: list[str]


def check(
    session: Session,
    *,
    actor: Actor,
    activity_id: str,
    selectors: list[SelectorIn],
    blind_check: BlindCheck,
) -> CheckResult:
    """Which other participants hold one of these selectors in deconfliction. Nothing is
    registered; each holder is told that a participant of the operation holds the same
    target, nothing more."""
    activity = may_check(session, actor=actor, activity_id=activity_id)
    canonical = _selectors(selectors, _region(session, actor))
    if not canonical:
        raise InvalidInput(N_("Give at least one selector to check."))
    holder_ids = _holders(
        session, actor=actor, activity=activity, selectors=canonical, blind_check=blind_check
    )
    names = repo.organisations(session, holder_ids)
    audit.record(
        session,
        actor=actor,
        action="operation.referral.check",
        resource_type="operation",
        resource_id=activity.id,
        organisation_id=actor.organisation_id,
        summary={"selectors": len(canonical), "holders": len(holder_ids)},
    )
    service.tell(
        session,
        actor=actor,
        organisation_ids=holder_ids,
        activity=activity,
        kind="deconfliction",
        title="another participant holds a target you registered in deconfliction",
        body="Check your deconfliction cases and speak to the other agency before acting.",
    )
    return CheckResult(
        checked=len(canonical),
        holder_ids=holder_ids,
        holder_names=sorted(names[i].name for i in holder_ids if i in names),
    )


def may_check(session: Session, *, actor: Actor, activity_id: str) -> Activity:
    """The operation, if the actor may check a referral's selectors in it (asked before the
    key is looked for: a 404 or 403 is the answer to give, not a missing key)."""
    activity = service.visible(session, actor=actor, activity_id=activity_id)
    require(actor, Action.MATCH, _draft(activity, actor))
    return activity


def _holders(
    session: Session,
    *,
    actor: Actor,
    activity: Activity,
    selectors: list[Selector],
    blind_check: BlindCheck,
) -> list[str]:
    blinded = blind.blind_all(selectors)
    epoch, evaluated = deconfliction.evaluate(
        session,
        actor=actor,
        key=blind_check.key,
        blinded=[b.element for b in blinded],
        limits=blind_check.limits,
    )
    tokens = [d.token for d in blind.finish_all(blinded, evaluated)]
    held = deconfliction.holders(session, tokens=tokens, key_epoch=epoch)
    others = participants(activity) - {actor.organisation_id}
    return sorted({org for orgs in held.values() for org in orgs} & others)


def _draft(activity: Activity, actor: Actor, receiver: str = "") -> Referral:
    """An unsaved referral from the actor's agency, for asking the policy."""
    return Referral(
        activity_id=activity.id,
        sender_organisation_id=actor.organisation_id or "",
        receiver_organisation_id=receiver,
    )


# --- sending and reading ----------------------------------------------------------------------


def send(
    session: Session,
    *,
    actor: Actor,
    activity_id: str,
    data: ReferralCreate,
    limits: OperationsSettings,
    blind_check: BlindCheck | None = None,
) -> Referral:
    """Send a referral to another participant; with ``blind_check``, its selectors are checked
    blind first and the number of participants holding them is kept with it."""
    activity = service.visible(session, actor=actor, activity_id=activity_id)
    receiver = data.receiver_organisation_id
    taking_part = participants(activity)
    if receiver not in taking_part or receiver == actor.organisation_id:
        raise InvalidInput(
            "Refer to another agency taking part in the operation.",
            errors=[{"field": "receiver_organisation_id", "message": "not a participant"}],
        )
    referral = _draft(activity, actor, receiver)
    require(actor, Action.CREATE, referral)
    if actor.organisation_id not in taking_part:
        raise Conflict(N_("Your agency does not take part in this operation."))
    if activity.phase in {Phase.PROPOSED, Phase.CLOSED}:
        raise Conflict(
            N_("Referrals are sent while the operation is planned, active or in follow-up.")
        )
    canonical = _selectors(data.selectors, _region(session, actor))
    matches = None
    if blind_check is not None and canonical:
        found = _holders(
            session, actor=actor, activity=activity, selectors=canonical, blind_check=blind_check
        )
        matches = len(found)
    now = utcnow()
    referral.id = new_id()
    referral.sent_by_id = actor.user_id
    referral.subject_kind = data.subject_kind
    referral.status = ReferralStatus.SENT
    referral.deconfliction_matches = matches
    referral.sent_at = now
    referral.acknowledge_by = now + timedelta(hours=limits.referral_ack_hours)
    referral.purge_after = (now + timedelta(days=limits.referral_retention_days)).date()
    package = {
        "subject_name": data.subject_name,
        "selectors": [
            {"type": s.type, "platform": s.platform, "value": s.value} for s in canonical
        ],
        "summary": data.summary,
    }
    referral.package = seal_value(session, REFERRALS, "package", referral.id, json.dumps(package))
    session.add(referral)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="operation.referral.send",
        resource_type="operation_referral",
        resource_id=referral.id,
        organisation_id=actor.organisation_id,
        summary={
            "activity_id": activity.id,
            "receiver": receiver,
            "subject_kind": data.subject_kind,
            "selectors": len(canonical),
            "deconfliction_matches": matches,
        },
    )
    service.tell(
        session,
        actor=actor,
        organisation_ids=[receiver],
        activity=activity,
        kind="referral",
        title="a referral awaits your acknowledgement",
        body="Open the operation's referrals to acknowledge it and record the outcome.",
    )
    return referral


def visible(session: Session, *, actor: Actor, activity_id: str, referral_id: str) -> Referral:
    """The referral if the actor's agency sent or received it: 404 to everyone else."""
    service.visible(session, actor=actor, activity_id=activity_id)
    found = repo.referral(session, referral_id) if is_id(referral_id) else None
    if found is None or found.activity_id != activity_id or not can(actor, Action.READ, found):
        raise hidden("operation_referral")
    return found


def read(session: Session, *, actor: Actor, activity_id: str, referral_id: str) -> Referral:
    """Open one referral: the reading is audited in the same transaction."""
    found = visible(session, actor=actor, activity_id=activity_id, referral_id=referral_id)
    audit.record(
        session,
        actor=actor,
        action="operation.referral.read",
        resource_type="operation_referral",
        resource_id=found.id,
        organisation_id=found.sender_organisation_id,
        summary={"status": found.status},
    )
    return found


def list_referrals(session: Session, *, actor: Actor, activity: Activity) -> list[Referral]:
    """What the actor's agency sent or received in the operation (no package in a list)."""
    require(actor, Action.LIST, Referral)
    return [
        r
        for r in repo.referrals_of(session, activity.id, actor.organisation_id or "")
        if can(actor, Action.READ, r)
    ]


def package_of(referral: Referral) -> PackageRead | None:
    opened = open_value(row_session(referral), REFERRALS, "package", referral.id, referral.package)
    if opened is None:
        return None
    raw = json.loads(opened)
    return PackageRead(
        subject_name=raw["subject_name"],
        selectors=[SelectorRead.model_validate(s) for s in raw["selectors"]],
        summary=raw["summary"],
    )


def outcome_note_of(referral: Referral) -> str | None:
    return open_value(
        row_session(referral), REFERRALS, "outcome_note", referral.id, referral.outcome_note
    )


def is_overdue(referral: Referral, now: datetime) -> bool:
    return referral.status == ReferralStatus.SENT and as_utc(referral.acknowledge_by) <= now


# --- the receiver -----------------------------------------------------------------------------


def _receiving(session: Session, actor: Actor, activity_id: str, referral_id: str) -> Referral:
    found = visible(session, actor=actor, activity_id=activity_id, referral_id=referral_id)
    locked = repo.referral(session, found.id, lock=True) or found
    require(actor, Action.RESPOND, locked)
    if locked.status == ReferralStatus.PURGED:
        raise Conflict(N_("This referral's package was purged."))
    return locked


def acknowledge(session: Session, *, actor: Actor, activity_id: str, referral_id: str) -> Referral:
    referral = _receiving(session, actor, activity_id, referral_id)
    if referral.status != ReferralStatus.SENT:
        raise Conflict(N_("This referral was already acknowledged."))
    referral.status = ReferralStatus.ACKNOWLEDGED
    referral.acknowledged_at = utcnow()
    referral.acknowledged_by_id = actor.user_id
    session.flush()
    _tell_sender(session, actor, referral, "acknowledge", "your referral was acknowledged")
    return referral


def conclude(
    session: Session, *, actor: Actor, activity_id: str, referral_id: str, data: OutcomeIn
) -> Referral:
    """Record the outcome (acknowledging it too, if that was not done yet)."""
    referral = _receiving(session, actor, activity_id, referral_id)
    if referral.status == ReferralStatus.CONCLUDED:
        raise Conflict(N_("This referral's outcome is already recorded."))
    now = utcnow()
    if referral.acknowledged_at is None:
        referral.acknowledged_at = now
        referral.acknowledged_by_id = actor.user_id
    referral.status = ReferralStatus.CONCLUDED
    referral.outcome = data.outcome
    referral.outcome_note = seal_value(
        session, REFERRALS, "outcome_note", referral.id, data.note or None
    )
    referral.concluded_at = now
    session.flush()
    _tell_sender(session, actor, referral, "conclude", "the outcome of your referral is in")
    return referral


def _tell_sender(session: Session, actor: Actor, referral: Referral, verb: str, title: str) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"operation.referral.{verb}",
        resource_type="operation_referral",
        resource_id=referral.id,
        organisation_id=referral.sender_organisation_id,
        summary={"status": referral.status, "outcome": referral.outcome},
    )
    activity = repo.activity(session, referral.activity_id)
    if activity is not None:
        service.tell(
            session,
            actor=actor,
            organisation_ids=[referral.sender_organisation_id],
            activity=activity,
            kind="referral",
            title=title,
        )
