"""The gap-analysis report for a body's meeting: one data shape, rendered as HTML (a page made
for printing) and as PDF (reportlab)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.members import service as members_service
from nohaven.policy import gaps
from nohaven.policy.gaps import CountryResult, SafeHavens
from nohaven.policy.models import Criterion, Status

ILLUSTRATIVE_NOTICE = (
    "Illustrative data: these assessments are demo records, not legal advice or real findings."
)


@dataclass
class CriterionLine:
    criterion: Criterion
    counts: dict[str, int]


@dataclass
class GapReport:
    title: str
    body_name: str | None
    as_of: date
    since: date | None
    framework_version: int
    havens: SafeHavens
    countries: list[CountryResult]  # every country in scope that has an approved assessment
    criteria: list[CriterionLine]
    illustrative: bool


def build(
    session: Session,
    *,
    actor: Actor,
    body: str | None = None,
    as_of: date | None = None,
    since: date | None = None,
    region: str | None = None,
) -> GapReport:
    havens = gaps.safe_havens(
        session, actor=actor, as_of=as_of, since=since, region=region, body=body
    )
    analysis = havens.analysis
    only = gaps.body_countries(session, actor=actor, body=body, on=analysis.as_of) if body else None
    scope = gaps.filter_countries(analysis.results.values(), region=region, only=only)
    assessed = [r for r in scope if r.assessed]
    lines = []
    for c in analysis.criteria:
        counts = {s.value: 0 for s in Status}
        for r in scope:
            counts[r.statuses[c.key]] += 1
        lines.append(CriterionLine(criterion=c, counts=counts))
    body_name = (
        members_service.get_body(session, actor=actor, body_id_or_slug=body).name if body else None
    )
    title = f"Legislative gap analysis — {body_name}" if body_name else "Legislative gap analysis"
    return GapReport(
        title=title,
        body_name=body_name,
        as_of=analysis.as_of,
        since=since,
        framework_version=analysis.framework_version,
        havens=havens,
        countries=assessed,
        criteria=lines,
        illustrative=any(r.illustrative for r in scope),
    )


def _label(key: str) -> str:
    return key.replace("_", " ")


def pdf(report: GapReport) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, title=report.title, leftMargin=16 * mm, rightMargin=16 * mm
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef3")),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    story: list[object] = [Paragraph(report.title, styles["Title"])]
    scope = f"As of {report.as_of.isoformat()}; criteria framework version "
    scope += f"{report.framework_version}."
    if report.since:
        scope += f" Changes since {report.since.isoformat()}."
    story.append(Paragraph(scope, styles["BodyText"]))
    if report.illustrative:
        story.append(Paragraph(f"<b>{ILLUSTRATIVE_NOTICE}</b>", styles["BodyText"]))
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph("Countries failing a core criterion", styles["Heading2"]))
    rows: list[list[object]] = [["Country", "Core criteria not (fully) met"]]
    rows += [
        [r.country.name, Paragraph(", ".join(_label(k) for k in r.failed_core), small)]
        for r in report.havens.countries
    ]
    if len(rows) == 1:
        rows.append(["None among the assessed countries", ""])
    story.append(Table(rows, colWidths=[55 * mm, 120 * mm], style=grid, repeatRows=1))
    if report.since:
        story.append(Spacer(1, 3 * mm))
        new = ", ".join(r.country.name for r in report.havens.new) or "none"
        resolved = ", ".join(r.country.name for r in report.havens.resolved) or "none"
        story.append(Paragraph(f"Newly failing a core criterion: {new}.", styles["BodyText"]))
        story.append(Paragraph(f"No longer failing: {resolved}.", styles["BodyText"]))
    story.append(Paragraph("Criteria", styles["Heading2"]))
    rows = [["Criterion", "Core", "Met", "Partly", "Not met", "Unknown"]]
    for line in report.criteria:
        rows.append(
            [
                Paragraph(_label(line.criterion.key), small),
                "yes" if line.criterion.core else "",
                *(str(line.counts[s.value]) for s in Status),
            ]
        )
    story.append(Table(rows, colWidths=[70 * mm, 14 * mm] + [22 * mm] * 4, style=grid))
    story.append(Paragraph("Assessed countries", styles["Heading2"]))
    rows = [["Country", "Met", "Gaps (not met, partly met or unknown)"]]
    for r in report.countries:
        rows.append(
            [
                r.country.name,
                f"{r.counts['met']} / {len(r.statuses)}",
                Paragraph(", ".join(_label(k) for k in r.gaps), small),
            ]
        )
    story.append(Table(rows, colWidths=[45 * mm, 20 * mm, 110 * mm], style=grid, repeatRows=1))
    doc.build(story)
    return out.getvalue()
