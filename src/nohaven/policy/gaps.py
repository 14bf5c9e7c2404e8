"""Gap analysis over the approved assessments in force at a moment: per country, per criterion,
the safe-haven view (countries failing any core criterion), change since a date, and progress
over time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import InvalidInput
from nohaven.kit.clock import utcnow
from nohaven.members import service as members_service
from nohaven.policy import criteria as criteria_service
from nohaven.policy import service
from nohaven.policy.models import Assessment, Criterion, ReviewState, Status
from nohaven.policy.regions import Country, countries

FAILING = frozenset({Status.NOT_MET, Status.PARTIALLY_MET})
# Partial compliance counts half towards a country's score.
CREDIT = {Status.MET: 1.0, Status.PARTIALLY_MET: 0.5, Status.NOT_MET: 0.0}


def end_of(day: date) -> datetime:
    """The last moment of a UTC day: an as-of date includes everything approved that day."""
    return datetime.combine(day, time.max, tzinfo=UTC)


@dataclass
class CountryResult:
    country: Country
    statuses: dict[str, str]  # criterion key -> status; "unknown" when never approved
    failed_core: list[str]
    gaps: list[str]  # criteria not met: partially met, not met or unknown
    score: float | None  # weighted share of criteria met; None when nothing is assessed
    illustrative: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def safe_haven(self) -> bool:
        return bool(self.failed_core)

    @property
    def assessed(self) -> bool:
        return self.score is not None


@dataclass
class Analysis:
    as_of: date
    framework_version: int
    criteria: list[Criterion]
    results: dict[str, CountryResult]

    @property
    def illustrative(self) -> bool:
        return any(r.illustrative for r in self.results.values())

    def criterion(self, key: str) -> Criterion:
        for c in self.criteria:
            if c.key == key:
                return c
        raise InvalidInput(f"{key!r} is not a criterion of framework {self.framework_version}.")

    def failures(self, key: str) -> dict[str, list[str]]:
        """Countries (codes, alphabetical by name) by status for one criterion."""
        self.criterion(key)
        out: dict[str, list[str]] = {s.value: [] for s in Status}
        for code, result in self.results.items():
            out[result.statuses[key]].append(code)
        return out


def analyse(
    criteria: Sequence[Criterion], snapshot: service.Snapshot, as_of: date, version: int
) -> Analysis:
    results: dict[str, CountryResult] = {}
    total_weight = sum(c.weight for c in criteria) or 1
    for code, country in countries().items():
        statuses: dict[str, str] = {}
        credit = 0.0
        assessed = False
        illustrative = False
        for c in criteria:
            found = snapshot.get((code, c.key))
            status = found.status if found else Status.UNKNOWN.value
            statuses[c.key] = status
            if found is not None:
                illustrative = illustrative or found.illustrative
            if status != Status.UNKNOWN:
                assessed = True
                credit += CREDIT[Status(status)] * c.weight
        counts = {s.value: 0 for s in Status}
        for status in statuses.values():
            counts[status] += 1
        results[code] = CountryResult(
            country=country,
            statuses=statuses,
            failed_core=[c.key for c in criteria if c.core and statuses[c.key] in FAILING],
            gaps=[c.key for c in criteria if statuses[c.key] != Status.MET],
            score=round(credit / total_weight, 4) if assessed else None,
            illustrative=illustrative,
            counts=counts,
        )
    return Analysis(
        as_of=as_of, framework_version=version, criteria=list(criteria), results=results
    )


def analysis(session: Session, *, actor: Actor, as_of: date | None = None) -> Analysis:
    """The gap analysis as it stood at the end of ``as_of`` (today by default), with the
    criteria framework in force then."""
    require(actor, Action.LIST, Assessment)
    today = utcnow().date()
    day = as_of or today
    if day > today:
        raise InvalidInput("An as-of date cannot be in the future.")
    moment = end_of(day)
    framework = criteria_service.in_force(session, moment)
    snap = service.snapshot(session, at=moment)
    return analyse(framework.criteria, snap, day, framework.version)


def body_countries(session: Session, *, actor: Actor, body: str, on: date) -> set[str]:
    """Countries of the organisations holding a seat in a body on a day."""
    found = members_service.get_body(session, actor=actor, body_id_or_slug=body)
    seats = members_service.seats_of_body(session, body_id=found.id, on=on)
    return {s.organisation.country for s in seats if s.organisation.country}


def filter_countries(
    results: Iterable[CountryResult],
    *,
    region: str | None = None,
    sub_region: str | None = None,
    only: set[str] | None = None,
) -> list[CountryResult]:
    out = []
    for r in results:
        if region and r.country.region != region:
            continue
        if sub_region and r.country.sub_region != sub_region:
            continue
        if only is not None and r.country.code not in only:
            continue
        out.append(r)
    return sorted(out, key=lambda r: r.country.name)


@dataclass
class SafeHavens:
    analysis: Analysis
    countries: list[CountryResult]
    since: date | None
    new: list[CountryResult]  # failing a core criterion now, not then
    resolved: list[CountryResult]  # failing then, not now
    changed: list[tuple[CountryResult, list[tuple[str, str, str]]]]  # (key, before, after)
    unassessed: int


def safe_havens(
    session: Session,
    *,
    actor: Actor,
    as_of: date | None = None,
    since: date | None = None,
    region: str | None = None,
    sub_region: str | None = None,
    body: str | None = None,
) -> SafeHavens:
    now = analysis(session, actor=actor, as_of=as_of)
    if since is not None and since > now.as_of:
        raise InvalidInput("'Since' must be before the as-of date.")
    only = body_countries(session, actor=actor, body=body, on=now.as_of) if body else None
    scope = filter_countries(now.results.values(), region=region, sub_region=sub_region, only=only)
    havens = [r for r in scope if r.safe_haven]
    new: list[CountryResult] = []
    resolved: list[CountryResult] = []
    changed: list[tuple[CountryResult, list[tuple[str, str, str]]]] = []
    if since is not None:
        then = analysis(session, actor=actor, as_of=since)
        for r in scope:
            before = then.results[r.country.code]
            if r.safe_haven and not before.safe_haven:
                new.append(r)
            elif before.safe_haven and not r.safe_haven:
                resolved.append(r)
            diffs = [
                (key, before.statuses.get(key, Status.UNKNOWN.value), status)
                for key, status in r.statuses.items()
                if before.statuses.get(key, Status.UNKNOWN.value) != status
            ]
            if diffs:
                changed.append((r, diffs))
    return SafeHavens(
        analysis=now,
        countries=havens,
        since=since,
        new=new,
        resolved=resolved,
        changed=changed,
        unassessed=sum(1 for r in scope if not r.assessed),
    )


@dataclass
class Progress:
    years: list[int]
    criteria: list[Criterion]
    met: dict[str, list[int]]  # criterion key -> countries meeting it at the end of each year


def progress(
    session: Session, *, actor: Actor, first_year: int | None = None, as_of: date | None = None
) -> Progress:
    """How many countries met each criterion at the end of each year (to date this year)."""
    require(actor, Action.LIST, Assessment)
    today = as_of or utcnow().date()
    if first_year is None:
        earliest = session.execute(
            select(func.min(Assessment.decided_at)).where(Assessment.state == ReviewState.APPROVED)
        ).scalar_one_or_none()
        first_year = earliest.year if earliest else today.year
    if not 2000 <= first_year <= today.year:
        raise InvalidInput("The first year must be between 2000 and this year.")
    years = list(range(first_year, today.year + 1))
    framework = criteria_service.in_force(session, end_of(today))
    met: dict[str, list[int]] = {c.key: [] for c in framework.criteria}
    # One sweep through the approved history, oldest first, counting at each year's end.
    timeline = service.approved_timeline(session)
    current: dict[tuple[str, str], str] = {}
    position = 0
    for year in years:
        cutoff = end_of(min(date(year, 12, 31), today))
        while position < len(timeline) and timeline[position][0] <= cutoff:
            _at, country, key, status = timeline[position]
            current[(country, key)] = status
            position += 1
        counts = dict.fromkeys(met, 0)
        for (_country, key), status in current.items():
            if key in counts and status == Status.MET:
                counts[key] += 1
        for key, n in counts.items():
            met[key].append(n)
    return Progress(years=years, criteria=list(framework.criteria), met=met)
