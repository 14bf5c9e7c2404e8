"""Import and export of assessments as CSV and JSON. An import is all or nothing: every row is
checked first, and if any is invalid nothing is written and each rejected row is reported."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import InvalidInput
from nohaven.policy import gaps, service
from nohaven.policy.models import Assessment
from nohaven.policy.schemas import AssessmentCreate, ImportRejection, ImportReport

FIELDS = ("country", "criterion_key", "status", "citations", "evidence_url", "note")
EXPORT_FIELDS = (*FIELDS, "organisation_id", "assessor", "reviewer", "approved_at", "illustrative")
MAX_ROWS = 20_000
CITATION_SEPARATOR = ";"


class ImportRejected(InvalidInput):
    """Raised when any row is invalid; carries the report of every rejected row."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            f"{len(report.rejected)} problem(s) found; nothing was imported.",
            errors=[r.model_dump() for r in report.rejected],
        )
        self.report = report


def _rows_from_csv(text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"country", "criterion_key", "status"} - set(reader.fieldnames or [])
    if missing:
        raise InvalidInput(f"The CSV header lacks: {', '.join(sorted(missing))}.")
    rows: list[dict[str, Any]] = []
    for raw in reader:
        row: dict[str, Any] = {k: (v or "").strip() for k, v in raw.items() if k in FIELDS}
        cites = row.get("citations", "")
        row["citations"] = [c.strip() for c in cites.split(CITATION_SEPARATOR) if c.strip()]
        rows.append(row)
    return rows


def _rows_from_json(text: str) -> list[dict[str, Any]]:
    try:
        raw = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"Not valid JSON: {exc.msg} (line {exc.lineno}).") from exc
    items = raw.get("assessments") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise InvalidInput('Expected a list of assessments or {"assessments": [...]}.')
    return [i if isinstance(i, dict) else {"_invalid": i} for i in items]


def parse_rows(text: str, fmt: str) -> list[dict[str, Any]]:
    if fmt == "csv":
        return _rows_from_csv(text)
    if fmt == "json":
        return _rows_from_json(text)
    raise InvalidInput("The format must be csv or json.")


def check_rows(
    session: Session, rows: list[dict[str, Any]]
) -> tuple[list[AssessmentCreate], list[ImportRejection]]:
    valid: list[AssessmentCreate] = []
    rejected: list[ImportRejection] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows, start=1):
        if "_invalid" in row:
            rejected.append(ImportRejection(row=number, field="", message="not an object"))
            continue
        try:
            data = AssessmentCreate.model_validate({k: v for k, v in row.items() if k in FIELDS})
        except ValidationError as exc:
            for e in exc.errors():
                rejected.append(
                    ImportRejection(
                        row=number,
                        field=".".join(str(p) for p in e["loc"]) or "",
                        message=e["msg"],
                    )
                )
            continue
        problems = service.validate(session, data)
        for p in problems:
            rejected.append(ImportRejection(row=number, field=p["field"], message=p["message"]))
        pair = (data.country, data.criterion_key)
        if pair in seen:
            rejected.append(
                ImportRejection(
                    row=number,
                    field="criterion_key",
                    message=f"duplicates row {seen[pair]} for the same country and criterion",
                )
            )
        seen.setdefault(pair, number)
        if not problems:
            valid.append(data)
    return valid, rejected


def import_assessments(
    session: Session, *, actor: Actor, text: str, fmt: str, submit: bool = False
) -> ImportReport:
    """Create a draft (or, with ``submit``, a submitted) version per row for the actor's
    organisation; approval still needs a second organisation."""
    require(actor, Action.CREATE, Assessment)
    rows = parse_rows(text, fmt)
    if not rows:
        raise InvalidInput("The file holds no assessments.")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"At most {MAX_ROWS} rows per import.")
    valid, rejected = check_rows(session, rows)
    if rejected:
        raise ImportRejected(ImportReport(created=0, rejected=rejected))
    # Every row was checked above, so these writes cannot half-fail on bad input; any other
    # error rolls back the caller's one transaction.
    for data in valid:
        created = service.create_assessment(session, actor=actor, data=data)
        if submit:
            service.submit_assessment(session, actor=actor, assessment_id=created.id)
    audit.record(
        session,
        actor=actor,
        action="policy.assessment.import",
        resource_type="policy_assessment",
        organisation_id=actor.organisation_id,
        summary={"rows": len(valid), "format": fmt, "submitted": submit},
    )
    return ImportReport(created=len(valid), rejected=[])


def export_rows(
    session: Session, *, actor: Actor, as_of: date | None = None
) -> list[dict[str, Any]]:
    """The approved assessments in force at the end of ``as_of`` (today by default)."""
    require(actor, Action.EXPORT, Assessment)
    moment = gaps.end_of(as_of) if as_of else None
    rows = []
    for (_c, _k), a in sorted(service.snapshot(session, at=moment).items()):
        rows.append(
            {
                "country": a.country,
                "criterion_key": a.criterion_key,
                "status": a.status,
                "citations": list(a.citations),
                "evidence_url": a.evidence_url,
                "note": a.note,
                "organisation_id": a.organisation_id,
                "assessor": a.assessor_label,
                "reviewer": a.reviewer_label or "",
                "approved_at": a.decided_at.isoformat() if a.decided_at else "",
                "illustrative": a.illustrative,
            }
        )
    return rows


def export_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "citations": f"{CITATION_SEPARATOR} ".join(row["citations"])})
    return out.getvalue()


def export_json(rows: list[dict[str, Any]], as_of: date | None) -> str:
    return json.dumps(
        {"as_of": as_of.isoformat() if as_of else None, "assessments": rows},
        indent=2,
        ensure_ascii=False,
    )
