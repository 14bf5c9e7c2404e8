"""A body's rules of decision (quorum, majority) and of admission (eligibility)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import InvalidInput, NotFound
from nohaven.governance.models import GovernanceSettings, Majority
from nohaven.members.models import Body


def settings_of(session: Session, body_id: str) -> GovernanceSettings:
    found = session.get(GovernanceSettings, body_id)
    return found or GovernanceSettings(
        body_id=body_id,
        quorum_percent=50,
        majority=Majority.SIMPLE,
        eligible_kinds=[],
        requires_alliance_membership=False,
    )


def update_settings(
    session: Session,
    *,
    actor: Actor,
    body_id: str,
    quorum_percent: int | None = None,
    majority: str | None = None,
    eligible_kinds: list[str] | None = None,
    requires_alliance_membership: bool | None = None,
) -> GovernanceSettings:
    if session.get(Body, body_id) is None:
        raise NotFound("No such body.")
    found = session.get(GovernanceSettings, body_id)
    if found is None:
        found = settings_of(session, body_id)
        session.add(found)
    require(actor, Action.UPDATE, found)
    if quorum_percent is not None:
        if not 0 <= quorum_percent <= 100:
            raise InvalidInput(
                "Quorum is a percentage.",
                errors=[{"field": "quorum_percent", "message": "between 0 and 100"}],
            )
        found.quorum_percent = quorum_percent
    if majority is not None:
        if majority not in set(Majority):
            raise InvalidInput(
                "Unknown majority rule.",
                errors=[{"field": "majority", "message": "simple, two_thirds or consensus"}],
            )
        found.majority = majority
    if eligible_kinds is not None:
        found.eligible_kinds = sorted(set(eligible_kinds))
    if requires_alliance_membership is not None:
        found.requires_alliance_membership = requires_alliance_membership
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="governance.settings",
        resource_type="body",
        resource_id=body_id,
        summary={
            "quorum_percent": found.quorum_percent,
            "majority": found.majority,
            "eligible_kinds": found.eligible_kinds,
            "requires_alliance_membership": found.requires_alliance_membership,
        },
    )
    return found
