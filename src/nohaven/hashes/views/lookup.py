"""Looking up pasted hashes against every list the actor may see."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nohaven.auth.deps import DbSession, WebActor
from nohaven.errors import InvalidInput, NohavenError
from nohaven.hashes import classification, matching
from nohaven.hashes.api import hash_index
from nohaven.kit.i18n import gettext as _
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)


_LINE = re.compile(r"^(?:(?P<type>[a-z0-9]+)\s*[:,]\s*)?(?P<value>\S+)$", re.IGNORECASE)
_BY_LENGTH = {32: ("md5",), 40: ("sha1",), 64: ("pdq", "sha256")}
LOOKUP_MAX_LINES = 1000


def parse_lookup(text: str) -> list[tuple[str, str]]:
    """Queries from pasted lines: "type:value", or a bare value whose type follows from its
    length (64 hex characters are tried as both PDQ and SHA-256)."""
    return [query for line in parse_lookup_lines(text) for query in line]


def parse_lookup_lines(text: str) -> list[list[tuple[str, str]]]:
    """The queries of each pasted line, in order (a line may be tried as two types)."""
    queries: list[list[tuple[str, str]]] = []
    errors = []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > LOOKUP_MAX_LINES:
        raise InvalidInput(f"Paste at most {LOOKUP_MAX_LINES} hashes at once.")
    for number, line in enumerate(lines, start=1):
        found = _LINE.match(line)
        if found is None:
            errors.append({"field": f"line {number}", "message": "one hash per line"})
            continue
        value = found["value"]
        if found["type"]:
            queries.append([(found["type"].lower(), value)])
        elif len(value) in _BY_LENGTH:
            queries.append([(kind, value) for kind in _BY_LENGTH[len(value)]])
        elif len(value) > 100:
            queries.append([("photodna", value)])
        else:
            errors.append({"field": f"line {number}", "message": "unknown kind of hash"})
    if errors:
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        raise InvalidInput(detail, errors=errors)
    return queries


@router.get("/hash-lookup")
def lookup_page(request: Request, actor: WebActor) -> Response:
    return render(request, "hashes/lookup.html", {"title": _("Hash lookup"), "text": ""})


@router.post("/hash-lookup")
def lookup(
    request: Request,
    session: DbSession,
    actor: WebActor,
    hashes: Annotated[str, Form(max_length=300_000)],
    threshold: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    context: dict[str, Any] = {"title": _("Hash lookup"), "text": hashes, "threshold": threshold}
    try:
        lines = parse_lookup_lines(hashes)
        results = matching.match(
            session,
            actor=actor,
            index=hash_index(request),
            queries=[query for line in lines for query in line],
            pdq_threshold=int(threshold) if threshold.strip().isdigit() else None,
            settings=request.app.state.settings,
        )
    except NohavenError as exc:
        context["error"] = exc.detail
        return render(request, "hashes/lookup.html", context, status_code=exc.status_code)
    owners = {h.hash_list.owner_organisation_id: h.owner_name for r in results for h in r.hits}
    context |= {
        "results": results,
        "owners": owners,
        "label": classification.label,
        "matched": _lines_matched(lines, results),
        "lines": len(lines),
    }
    return render(request, "hashes/lookup.html", context)


def _lines_matched(lines: list[list[tuple[str, str]]], results: list[matching.QueryResult]) -> int:
    """How many pasted hashes matched: a line tried as PDQ and SHA-256 counts once."""
    matched, position = 0, 0
    for line in lines:
        if any(r.hits for r in results[position : position + len(line)]):
            matched += 1
        position += len(line)
    return matched
