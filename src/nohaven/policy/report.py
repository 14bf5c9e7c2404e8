"""The gap-analysis report for a body's meeting: one data shape, rendered as HTML (a page made
for printing) and as PDF (reportlab)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.kit.i18n import N_, country_name, format_when, ngettext
from nohaven.kit.i18n import gettext as _
from nohaven.members import service as members_service
from nohaven.policy import criteria, gaps, pdfmap, worldmap
from nohaven.policy.gaps import CountryResult, SafeHavens
from nohaven.policy.models import Criterion, Status

ILLUSTRATIVE_NOTICE = N_(
    "Illustrative data: these assessments are demo records, not legal advice or real findings."
)


@dataclass
class CriterionLine:
    criterion: Criterion
    name: str
    counts: dict[str, int]  # status -> assessed countries with that status


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
    in_scope: int  # countries and territories in scope, assessed or not
    only: set[str] | None  # the body's member countries, when the report is for a body

    @property
    def unassessed(self) -> int:
        """Countries in scope with no approved assessment: said once, left out of the tables."""
        return self.in_scope - len(self.countries)

    def names(self, keys: list[str]) -> list[str]:
        by_key = {line.criterion.key: line.name for line in self.criteria}
        return [by_key.get(k, k) for k in keys]


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
        for r in assessed:
            counts[r.statuses[c.key]] += 1
        lines.append(CriterionLine(criterion=c, name=criteria.name_of(c), counts=counts))
    body_name = (
        members_service.get_body(session, actor=actor, body_id_or_slug=body).name if body else None
    )
    title = (
        _("Legislative gap analysis — %(body)s") % {"body": body_name}
        if body_name
        else _("Legislative gap analysis")
    )
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
        in_scope=len(scope),
        only={r.country.code for r in scope} if (only is not None or region) else None,
    )


def coverage(report: GapReport) -> str:
    """What the tables cover, said once instead of an "unknown" count on every line."""
    text = _(
        "%(assessed)s of %(scope)s countries and territories in scope have approved "
        "assessments; the %(unassessed)s without one are not assessed and are left out of the "
        "tables below."
    ) % {
        "assessed": len(report.countries),
        "scope": report.in_scope,
        "unassessed": report.unassessed,
    }
    missing = sum(line.counts[Status.UNKNOWN.value] for line in report.criteria)
    if missing:
        text += " " + ngettext(
            "Among the assessed countries, %(count)d answer to a single criterion is still "
            "missing; it counts as a gap.",
            "Among the assessed countries, %(count)d answers to single criteria are still "
            "missing; each counts as a gap.",
            missing,
        ) % {"count": missing}
    return text


def _page_number(canvas: Canvas, doc: BaseDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(A4[0] - 16 * mm, 10 * mm, _("Page %(number)s") % {"number": doc.page})
    canvas.drawString(16 * mm, 10 * mm, doc.title)
    canvas.restoreState()


def _legend(report: GapReport, style: ParagraphStyle) -> Table:
    """The map's key: a swatch before each label, on one line."""
    items = worldmap.legend(None)
    if report.only is not None:
        items.append(worldmap.LegendItem(worldmap.OUTSIDE_FILL, _("outside the scope")))
    cells: list[object] = []
    fills: list[tuple[object, ...]] = []
    for index, item in enumerate(items):
        cells += ["", Paragraph(item.label, style)]
        fills.append(("BACKGROUND", (2 * index, 0), (2 * index, 0), colors.HexColor(item.colour)))
        fills.append(("BOX", (2 * index, 0), (2 * index, 0), 0.3, colors.grey))
    widths = [4 * mm, 21 * mm] * len(items)
    return Table([cells], colWidths=widths, style=TableStyle(fills), hAlign="LEFT")


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
    story: list[Flowable] = [Paragraph(report.title, styles["Title"])]
    scope = _("As of %(when)s; criteria framework version %(version)s.") % {
        "when": format_when(report.as_of),
        "version": report.framework_version,
    }
    if report.since:
        scope += " " + _("Changes since %(when)s.") % {"when": format_when(report.since)}
    story.append(Paragraph(scope, styles["BodyText"]))
    if report.illustrative:
        story.append(Paragraph(f"<b>{_(ILLUSTRATIVE_NOTICE)}</b>", styles["BodyText"]))
    story.append(Spacer(1, 3 * mm))
    story.append(pdfmap.drawing(report.havens.analysis, width=178 * mm, only=report.only))
    story.append(_legend(report, small))
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(coverage(report), styles["BodyText"]))
    story.append(Paragraph(_("Countries failing a core criterion"), styles["Heading2"]))
    rows: list[list[object]] = [[_("Country"), _("Core criteria not (fully) met")]]
    rows += [
        [country_name(r.country.code), Paragraph("; ".join(report.names(r.failed_core)), small)]
        for r in report.havens.countries
    ]
    if len(rows) == 1:
        rows.append([_("None among the assessed countries."), ""])
    story.append(Table(rows, colWidths=[55 * mm, 120 * mm], style=grid, repeatRows=1))
    if report.since:
        story.append(Spacer(1, 3 * mm))
        new = ", ".join(country_name(r.country.code) for r in report.havens.new) or _("none")
        resolved = ", ".join(country_name(r.country.code) for r in report.havens.resolved) or _(
            "none"
        )
        story.append(
            Paragraph(f"{_('Newly failing a core criterion:')} {new}.", styles["BodyText"])
        )
        story.append(Paragraph(f"{_('No longer failing:')} {resolved}.", styles["BodyText"]))
    story.append(Paragraph(_("Criteria (assessed countries)"), styles["Heading2"]))
    rows = [[_("Criterion"), _("Core"), _("Met"), _("Partly met"), _("Not met")]]
    for line in report.criteria:
        rows.append(
            [
                Paragraph(line.name, small),
                _("yes") if line.criterion.core else "",
                *(
                    str(line.counts[s.value])
                    for s in (Status.MET, Status.PARTIALLY_MET, Status.NOT_MET)
                ),
            ]
        )
    widths = [95 * mm, 14 * mm] + [22 * mm] * 3
    story.append(Table(rows, colWidths=widths, style=grid, repeatRows=1))
    story.append(Paragraph(_("Assessed countries"), styles["Heading2"]))
    rows = [[_("Country"), _("Met"), _("Gaps (not met, partly met or no answer yet)")]]
    for r in report.countries:
        rows.append(
            [
                country_name(r.country.code),
                f"{r.counts['met']} / {len(r.statuses)}",
                Paragraph("; ".join(report.names(r.gaps)), small),
            ]
        )
    story.append(Table(rows, colWidths=[45 * mm, 20 * mm, 110 * mm], style=grid, repeatRows=1))
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()
