"""The mission statement, its numbered commitments, members' signatures, progress reports per
commitment and period, and the dashboards (the showcase of good practice: `showcase`)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, hidden, require
from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.governance.bodies.service import my_bodies, voting_organisations
from nohaven.governance.progress import repository as repo
from nohaven.governance.progress.models import (
    Commitment,
    MissionSignature,
    MissionStatement,
    ProgressReport,
    ProgressStatus,
)
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.members.models import Body, Organisation

PERIOD = re.compile(r"^\d{4}-H[12]$")


def period_of(day: date) -> str:
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


# --- mission statement ----------------------------------------------------------------------


def create_mission(
    session: Session,
    *,
    actor: Actor,
    body_id: str,
    title: str,
    preamble: str,
    commitments: list[str],
) -> MissionStatement:
    if session.get(Body, body_id) is None:
        raise NotFound(N_("No such body."))
    mission = MissionStatement(body_id=body_id, title=title.strip(), preamble=preamble.strip())
    require(actor, Action.CREATE, mission)
    if not mission.title:
        raise InvalidInput(
            "A title is required.", errors=[{"field": "title", "message": "required"}]
        )
    texts = [c.strip() for c in commitments if c.strip()]
    if not texts:
        raise InvalidInput(
            "A mission statement holds at least one commitment.",
            errors=[{"field": "commitments", "message": "at least one"}],
        )
    if repo.mission_of_body(session, body_id) is not None:
        raise Conflict(N_("This body already has a mission statement."))
    session.add(mission)
    session.flush()
    session.add_all(
        Commitment(mission_id=mission.id, number=n, text=t) for n, t in enumerate(texts, 1)
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="mission.create",
        resource_type="mission",
        resource_id=mission.id,
        summary={"body_id": body_id, "commitments": len(texts)},
    )
    return mission


def mission_of(session: Session, *, actor: Actor, body_id: str) -> MissionStatement:
    mission = repo.mission_of_body(session, body_id)
    if mission is None:
        raise hidden("mission")  # the same answer as for one the actor may not see
    require(actor, Action.READ, mission)
    return mission


def bodies_with_mission(session: Session, *, actor: Actor) -> list[Body]:
    """The actor's bodies that have a mission statement."""
    mine = my_bodies(session, actor)
    with_mission = repo.bodies_with_mission(session, [b.id for b in mine])
    return [b for b in mine if b.id in with_mission]


def commitments(session: Session, *, mission: MissionStatement) -> list[Commitment]:
    return repo.commitments(session, mission.id)


def signatures(session: Session, *, mission: MissionStatement) -> list[MissionSignature]:
    return repo.signatures(session, mission.id)


def sign(
    session: Session, *, actor: Actor, mission_id: str, on: date | None = None
) -> MissionSignature:
    mission = session.get(MissionStatement, mission_id)
    if mission is None:
        raise NotFound(N_("No such mission statement."))
    require(actor, Action.RESPOND, mission)
    org_id = actor.organisation_id
    if org_id is None or org_id not in voting_organisations(
        session, mission.body_id, utcnow().date()
    ):
        raise Forbidden(N_("Members of the body sign its mission statement."))
    if repo.has_signed(session, mission.id, org_id):
        raise Conflict(N_("Your organisation has already signed."))
    row = MissionSignature(
        mission_id=mission.id, organisation_id=org_id, signed_on=on or utcnow().date()
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(N_("Your organisation has already signed.")) from exc
    audit.record(
        session,
        actor=actor,
        action="mission.sign",
        resource_type="mission",
        resource_id=mission.id,
        organisation_id=org_id,
        summary={"signed_on": row.signed_on.isoformat()},
    )
    return row


# --- progress -------------------------------------------------------------------------------


def _check_links(links: list[str]) -> list[str]:
    cleaned = [link.strip() for link in links if link.strip()]
    bad = [link for link in cleaned if not re.match(r"^https://[^\s]+$", link) or len(link) > 500]
    if bad:
        raise InvalidInput(
            "Evidence links are https:// addresses.",
            errors=[{"field": "evidence", "message": f"{len(bad)} invalid link(s)"}],
        )
    if len(cleaned) > 20:
        raise InvalidInput(
            "At most 20 evidence links.", errors=[{"field": "evidence", "message": "too many"}]
        )
    return cleaned


def report_progress(
    session: Session,
    *,
    actor: Actor,
    body_id: str,
    commitment_number: int,
    period: str,
    status: str,
    narrative: str = "",
    evidence: list[str] | None = None,
) -> ProgressReport:
    """Create or update the actor's organisation's report for one commitment and period."""
    mission = mission_of(session, actor=actor, body_id=body_id)
    org_id = actor.organisation_id
    probe = ProgressReport(organisation_id=org_id)
    require(actor, Action.CREATE, probe)
    if org_id is None or not repo.has_signed(session, mission.id, org_id):
        raise Forbidden(N_("Only signatories of the mission statement report progress."))
    commitment = repo.commitment(session, mission.id, commitment_number)
    if commitment is None:
        raise InvalidInput(
            "No such commitment.", errors=[{"field": "commitment_number", "message": "unknown"}]
        )
    if not PERIOD.match(period) or period > period_of(utcnow().date()):
        raise InvalidInput(
            "A period is a half year such as 2026-H1, not in the future.",
            errors=[{"field": "period", "message": "YYYY-H1 or YYYY-H2"}],
        )
    try:
        state = ProgressStatus(status)
    except ValueError as exc:
        raise InvalidInput(
            "Unknown status.",
            errors=[
                {"field": "status", "message": "not_started, in_progress, achieved or off_track"}
            ],
        ) from exc
    links = _check_links(evidence or [])
    row = repo.report(session, commitment_id=commitment.id, organisation_id=org_id, period=period)
    created = row is None
    if row is None:
        row = ProgressReport(commitment_id=commitment.id, organisation_id=org_id, period=period)
        session.add(row)
    row.status = state
    row.narrative = narrative.strip()[:20000]
    row.evidence = links
    row.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="progress.report" if created else "progress.update",
        resource_type="progress_report",
        resource_id=row.id,
        organisation_id=org_id,
        summary={"commitment": commitment.number, "period": period, "status": state.value},
    )
    return row


@dataclass
class Dashboard:
    mission: MissionStatement
    commitments: list[Commitment]
    signatories: list[MissionSignature]
    # (organisation id, commitment number) -> latest report
    latest: dict[tuple[str, int], ProgressReport] = field(default_factory=dict)

    def counts(self, number: int) -> Counter[str]:
        return Counter(r.status for (_, n), r in self.latest.items() if n == number)

    def reported(self, number: int) -> int:
        return sum(self.counts(number).values())


def dashboard(
    session: Session, *, actor: Actor, body_id: str, organisation_id: str | None = None
) -> Dashboard:
    """Each signatory's latest status per commitment (one member's when asked)."""
    mission = mission_of(session, actor=actor, body_id=body_id)
    items = commitments(session, mission=mission)
    by_id = {c.id: c.number for c in items}
    signed = signatures(session, mission=mission)
    if organisation_id is not None:
        signed = [s for s in signed if s.organisation_id == organisation_id]
    latest: dict[tuple[str, int], ProgressReport] = {}
    for row in repo.reports(session, list(by_id), organisation_id=organisation_id):
        latest[(row.organisation_id, by_id[row.commitment_id])] = row  # later periods win
    return Dashboard(mission=mission, commitments=items, signatories=signed, latest=latest)


def history(
    session: Session, *, actor: Actor, body_id: str, organisation_id: str
) -> list[tuple[int, ProgressReport]]:
    mission = mission_of(session, actor=actor, body_id=body_id)
    numbers = {c.id: c.number for c in commitments(session, mission=mission)}
    rows = repo.reports(session, list(numbers), organisation_id=organisation_id, newest_first=True)
    return sorted(((numbers[r.commitment_id], r) for r in rows), key=lambda p: (p[0], p[1].period))


def organisation_name(session: Session, organisation_id: str) -> str:
    org = session.get(Organisation, organisation_id)
    return org.name if org else organisation_id
