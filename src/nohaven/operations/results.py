"""Results: each participant reports its figures per action day and for the follow-up; the
participants see totals and a breakdown per country; the draft joint statement is written from
the totals alone (never from a referral or a briefing)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import Conflict, InvalidInput
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.operations import repository as repo
from nohaven.operations import service
from nohaven.operations.models import FOLLOW_UP, MEASURES, Activity, Phase, ResultReport
from nohaven.operations.schemas import (
    CountryFigures,
    Figures,
    ResultIn,
    ResultRead,
    ResultsRead,
)

# The definitions panel: every agency counts the same way (marked for the catalogue: pages
# show them in the reader's language).
DEFINITIONS: dict[str, str] = {
    "arrests": N_(
        "People arrested or charged during the period in connection with the operation's "
        "targets; count each person once, however many offences."
    ),
    "children_safeguarded": N_(
        "Children removed from harm or brought under the protection of child-welfare "
        "services because of the operation; count each child once."
    ),
    "devices_seized": N_(
        "Computers, phones, storage media and accounts' devices seized under lawful "
        "authority; count each physical device once."
    ),
    "referrals_sent": N_("Referrals your agency sent to other participants in the period."),
    "referrals_received": N_("Referrals your agency received from other participants."),
}
LABELS: dict[str, str] = {
    "arrests": N_("Arrests"),
    "children_safeguarded": N_("Children safeguarded"),
    "devices_seized": N_("Devices seized"),
    "referrals_sent": N_("Referrals sent"),
    "referrals_received": N_("Referrals received"),
}


def report(session: Session, *, actor: Actor, activity_id: str, data: ResultIn) -> ResultReport:
    """Report (or correct) the actor's agency's figures for one period."""
    activity = service.visible(session, actor=actor, activity_id=activity_id)
    if activity.phase in {Phase.PROPOSED, Phase.PLANNING}:
        raise Conflict("Results are reported once the operation is active.")
    days = {d.id for d in repo.action_days(session, activity.id)}
    if data.period != FOLLOW_UP and data.period not in days:
        raise InvalidInput(
            "Report for one of the operation's action days or for the follow-up.",
            errors=[{"field": "period", "message": "unknown action day"}],
        )
    org = actor.organisation_id or ""
    row = repo.result(session, activity.id, org, data.period)
    new = row is None
    if row is None:
        row = ResultReport(activity_id=activity.id, organisation_id=org, period=data.period)
    row.activity = activity
    require(actor, Action.CREATE if new else Action.UPDATE, row)
    for measure in MEASURES:
        setattr(row, measure, getattr(data, measure))
    row.reported_by_id = actor.user_id
    row.reported_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="operation.result.report",
        resource_type="operation",
        resource_id=activity.id,
        organisation_id=activity.lead_organisation_id,
        summary={"period": data.period, "corrected": not new},
    )
    service.tell(
        session,
        actor=actor,
        organisation_ids=[activity.lead_organisation_id],
        activity=activity,
        kind="result",
        title="a participant reported results",
    )
    return row


def _add(into: Figures, row: ResultReport) -> None:
    for measure in MEASURES:
        setattr(into, measure, getattr(into, measure) + getattr(row, measure))


def totals_of(session: Session, activity: Activity) -> Figures:
    """The sums over every report: what the statement is written from."""
    total = Figures()
    for row, _org in repo.results(session, activity.id):
        _add(total, row)
    return total


def summary(session: Session, *, actor: Actor, activity_id: str) -> ResultsRead:
    activity = service.visible(session, actor=actor, activity_id=activity_id)
    # Asked of an unsaved report of the operation: only its participants see its results.
    probe = ResultReport(activity_id=activity.id, organisation_id="")
    probe.activity = activity
    require(actor, Action.LIST, probe)
    rows = repo.results(session, activity.id)
    total = Figures()
    by_country: dict[str, Figures] = defaultdict(Figures)
    for row, org in rows:
        _add(total, row)
        _add(by_country[org.country or "international"], row)
    return ResultsRead(
        totals=total,
        by_country=[
            CountryFigures(country=c, **f.model_dump()) for c, f in sorted(by_country.items())
        ],
        reports=[
            ResultRead(
                organisation_id=row.organisation_id,
                period=row.period,
                reported_at=row.reported_at,
                **{m: getattr(row, m) for m in MEASURES},
            )
            for row, _org in rows
        ],
        definitions=DEFINITIONS,
    )


def statement_text(
    *, code_name: str | None, body_name: str, agencies: int, countries: int, totals: Figures
) -> tuple[str, str]:
    """The draft statement's title and text, from the totals and the count of participants
    alone: nothing a participant wrote about a case can reach it."""
    name = f"Operation {code_name}" if code_name else "a joint operation"
    title = f"Results of {name}"[:200]
    lines = [
        f"Law-enforcement agencies of the {body_name} acted together in {name}: "
        f"{agencies} agencies from {countries} countries took part.",
        "",
        "Together they report:",
    ]
    lines += [f"- {LABELS[m]}: {getattr(totals, m)}" for m in MEASURES]
    lines += [
        "",
        "Each agency counted by the same definitions, agreed before the operation. The "
        "figures are totals; no case is described here.",
    ]
    return title, "\n".join(lines)
