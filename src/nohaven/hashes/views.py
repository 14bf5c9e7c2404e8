"""Pages of the hashes domain: lists, entries with votes and feedback, sightings, lookup,
import."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, Tlp, can
from nohaven.errors import InvalidInput, NohavenError
from nohaven.hashes import classification, matching, service
from nohaven.hashes import repository as repo
from nohaven.hashes.api import export_response, hash_index, run_import
from nohaven.hashes.models import FeedbackVerdict, HashList, SignalType, VoteVerdict
from nohaven.hashes.schemas import (
    EntryCreate,
    FeedbackCreate,
    HashListCreate,
    HashListUpdate,
    VoteCreate,
)
from nohaven.limits import body_limit
from nohaven.members import repository as members_repo
from nohaven.transactions import writes
from nohaven.web.csrf import check_csrf
from nohaven.web.forms import validation_message
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

# (label, path) links this domain adds to the main navigation.
NAV: tuple[tuple[str, str], ...] = (("Hash lists", "/hash-lists"),)

PAGE = 200


def _directory(session: Session) -> dict[str, Any]:
    return {
        "organisations": members_repo.organisations(session),
        "bodies": members_repo.bodies(session),
        "tlps": list(Tlp),
    }


def _lists_page(
    request: Request, session: Session, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    lists = service.visible_lists(session, actor=actor)
    owners = repo.organisation_names(session, {h.owner_organisation_id for h in lists})
    context = {
        "title": "Hash lists",
        "lists": lists,
        "owners": owners,
        "may_create": can(actor, Action.CREATE, HashList),
        **_directory(session),
        **extra,
    }
    return render(request, "hashes/lists.html", context, status_code=status_code)


@router.get("/hash-lists")
def lists_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _lists_page(request, session, actor)


@router.post("/hash-lists")
def create_list(
    request: Request,
    session: DbSession,
    actor: WebActor,
    name: Annotated[str, Form(max_length=200)],
    tlp: Annotated[str, Form(max_length=20)],
    description: Annotated[str, Form(max_length=4000)] = "",
    trust_threshold: Annotated[int, Form(ge=1, le=50)] = 3,
    organisations: Annotated[list[str] | None, Form()] = None,
    bodies: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        data = HashListCreate.model_validate(
            {
                "name": name,
                "description": description,
                "tlp": tlp,
                "trust_threshold": trust_threshold,
                "audience_organisation_ids": organisations or [],
                "audience_body_ids": bodies or [],
            }
        )
        created = service.create_list(session, actor=actor, data=data)
    except ValidationError as exc:
        return _lists_page(request, session, actor, error=validation_message(exc), status_code=422)
    except NohavenError as exc:
        return _lists_page(request, session, actor, error=exc.detail, status_code=exc.status_code)
    return RedirectResponse(f"/hash-lists/{created.id}", status_code=303)


def _list_page(
    request: Request,
    session: Session,
    actor: Actor,
    list_id: str,
    *,
    status_code: int = 200,
    offset: int = 0,
    **extra: Any,
) -> Response:
    hash_list = service.get_list(session, actor=actor, list_id=list_id)
    owner = can(actor, Action.UPDATE, hash_list)
    entries = repo.entries_of_list(
        session, list_id, include_tombstoned=owner, limit=PAGE, offset=offset
    )
    names = repo.organisation_names(
        session, {hash_list.owner_organisation_id, *hash_list.audience_organisation_ids}
    )
    context = {
        "title": hash_list.name,
        "hash_list": hash_list,
        "entries": entries,
        "names": names,
        "owner": owner,
        "may_manage": can(actor, Action.MANAGE, hash_list),
        "offset": offset,
        "page": PAGE,
        "label": classification.label,
        "signal_types": list(SignalType),
        "schemes": classification.SCHEMES,
        "scheme_labels": classification.SCHEME_LABELS,
        **_directory(session),
        **extra,
    }
    return render(request, "hashes/list.html", context, status_code=status_code)


@router.get("/hash-lists/{list_id}")
def list_page(
    request: Request, session: DbSession, actor: WebActor, list_id: str, offset: int = 0
) -> Response:
    return _list_page(request, session, actor, list_id, offset=max(offset, 0))


@router.post("/hash-lists/{list_id}/share")
def share_list(
    request: Request,
    session: DbSession,
    actor: WebActor,
    list_id: str,
    tlp: Annotated[str, Form(max_length=20)],
    trust_threshold: Annotated[int, Form(ge=1, le=50)] = 3,
    organisations: Annotated[list[str] | None, Form()] = None,
    bodies: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        data = HashListUpdate.model_validate(
            {
                "tlp": tlp,
                "trust_threshold": trust_threshold,
                "audience_organisation_ids": organisations or [],
                "audience_body_ids": bodies or [],
            }
        )
        service.update_list(session, actor=actor, list_id=list_id, data=data)
    except ValidationError as exc:
        return _list_page(
            request, session, actor, list_id, error=validation_message(exc), status_code=422
        )
    except NohavenError as exc:
        return _list_page(
            request, session, actor, list_id, error=exc.detail, status_code=exc.status_code
        )
    return _list_page(request, session, actor, list_id, notice="Label and sharing saved.")


@router.post("/hash-lists/{list_id}/entries")
def add_entry(
    request: Request,
    session: DbSession,
    actor: WebActor,
    list_id: str,
    signal_type: Annotated[str, Form(max_length=16)],
    value: Annotated[str, Form(max_length=300)],
    pdq_quality: Annotated[str, Form(max_length=3)] = "",
    classification_code: Annotated[str, Form(max_length=30)] = "",
    series: Annotated[str, Form(max_length=200)] = "",
    source: Annotated[str, Form(max_length=200)] = "",
    victim_identified: Annotated[bool, Form()] = False,
    offender_identified: Annotated[bool, Form()] = False,
) -> Response:
    scheme, _, code = classification_code.partition(":")
    try:
        data = EntryCreate.model_validate(
            {
                "signal_type": signal_type,
                "value": value,
                "pdq_quality": int(pdq_quality) if pdq_quality.strip().isdigit() else None,
                "classification_scheme": scheme or None,
                "classification": code or None,
                "series": series,
                "source": source,
                "victim_identified": victim_identified,
                "offender_identified": offender_identified,
            }
        )
        service.add_entry(session, actor=actor, list_id=list_id, data=data)
    except ValidationError as exc:
        return _list_page(
            request, session, actor, list_id, error=validation_message(exc), status_code=422
        )
    except NohavenError as exc:
        return _list_page(
            request, session, actor, list_id, error=exc.detail, status_code=exc.status_code
        )
    return _list_page(request, session, actor, list_id, notice="Entry added.")


@router.get("/hash-lists/{list_id}/sightings")
@writes  # records an audited read
def sightings_page(request: Request, session: DbSession, actor: WebActor, list_id: str) -> Response:
    hash_list = service.get_list(session, actor=actor, list_id=list_id)
    found = service.list_sightings(session, actor=actor, list_id=list_id)
    names = repo.organisation_names(session, {s.organisation_id or "" for s in found})
    return render(
        request,
        "hashes/sightings.html",
        {
            "title": f"Sightings: {hash_list.name}",
            "hash_list": hash_list,
            "sightings": found,
            "names": names,
        },
    )


def _entry_page(
    request: Request,
    session: Session,
    actor: Actor,
    entry_id: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    view = service.entry_view(session, actor=actor, entry_id=entry_id)
    orgs = {v.organisation_id for v in view.votes} | {f.organisation_id for f in view.feedback}
    orgs |= {s.organisation_id or "" for s in view.sightings or []}
    orgs.add(view.hash_list.owner_organisation_id)
    context = {
        "title": "Hash entry",
        "view": view,
        "entry": view.entry,
        "hash_list": view.hash_list,
        "names": repo.organisation_names(session, orgs),
        "label": classification.label,
        "crosswalk": classification.crosswalk(
            view.entry.classification_scheme, view.entry.classification
        ),
        "scheme_labels": classification.SCHEME_LABELS,
        "may_vote": can(actor, Action.VOTE, view.hash_list),
        "may_respond": can(actor, Action.RESPOND, view.hash_list),
        "owner": can(actor, Action.UPDATE, view.hash_list),
        "vote_verdicts": list(VoteVerdict),
        "feedback_verdicts": list(FeedbackVerdict),
        **extra,
    }
    return render(request, "hashes/entry.html", context, status_code=status_code)


@router.get("/hash-entries/{entry_id}")
@writes  # records an audited read
def entry_page(request: Request, session: DbSession, actor: WebActor, entry_id: str) -> Response:
    return _entry_page(request, session, actor, entry_id)


def _entry_action(
    request: Request,
    session: Session,
    actor: Actor,
    entry_id: str,
    act: Callable[[], object],
    notice: str,
) -> Response:
    """Run one form action on an entry and show its page again, with the outcome or the
    reason it was refused (a 4xx, nothing written)."""
    try:
        act()
    except ValidationError as exc:
        return _entry_page(
            request, session, actor, entry_id, error=validation_message(exc), status_code=422
        )
    except NohavenError as exc:
        return _entry_page(
            request, session, actor, entry_id, error=exc.detail, status_code=exc.status_code
        )
    return _entry_page(request, session, actor, entry_id, notice=notice)


@router.post("/hash-entries/{entry_id}/vote")
def vote(
    request: Request,
    session: DbSession,
    actor: WebActor,
    entry_id: str,
    verdict: Annotated[str, Form(max_length=16)],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    return _entry_action(
        request,
        session,
        actor,
        entry_id,
        lambda: service.vote(
            session,
            actor=actor,
            entry_id=entry_id,
            data=VoteCreate.model_validate({"verdict": verdict, "comment": comment}),
        ),
        "Vote recorded.",
    )


@router.post("/hash-entries/{entry_id}/feedback")
def feedback(
    request: Request,
    session: DbSession,
    actor: WebActor,
    entry_id: str,
    verdict: Annotated[str, Form(max_length=16)],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    return _entry_action(
        request,
        session,
        actor,
        entry_id,
        lambda: service.give_feedback(
            session,
            actor=actor,
            entry_id=entry_id,
            data=FeedbackCreate.model_validate({"verdict": verdict, "comment": comment}),
        ),
        "Feedback recorded.",
    )


@router.post("/hash-entries/{entry_id}/tombstone")
def tombstone(
    request: Request,
    session: DbSession,
    actor: WebActor,
    entry_id: str,
    reason: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    return _entry_action(
        request,
        session,
        actor,
        entry_id,
        lambda: service.tombstone_entry(session, actor=actor, entry_id=entry_id, reason=reason),
        "Entry removed (tombstoned).",
    )


# --- lookup ---------------------------------------------------------------------------------

_LINE = re.compile(r"^(?:(?P<type>[a-z0-9]+)\s*[:,]\s*)?(?P<value>\S+)$", re.IGNORECASE)
_BY_LENGTH = {32: ("md5",), 40: ("sha1",), 64: ("pdq", "sha256")}
LOOKUP_MAX_LINES = 1000


def parse_lookup(text: str) -> list[tuple[str, str]]:
    """Queries from pasted lines: "type:value", or a bare value whose type follows from its
    length (64 hex characters are tried as both PDQ and SHA-256)."""
    queries: list[tuple[str, str]] = []
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
            queries.append((found["type"].lower(), value))
        elif len(value) in _BY_LENGTH:
            queries.extend((kind, value) for kind in _BY_LENGTH[len(value)])
        elif len(value) > 100:
            queries.append(("photodna", value))
        else:
            errors.append({"field": f"line {number}", "message": "unknown kind of hash"})
    if errors:
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        raise InvalidInput(detail, errors=errors)
    return queries


@router.get("/hash-lookup")
def lookup_page(request: Request, actor: WebActor) -> Response:
    return render(request, "hashes/lookup.html", {"title": "Hash lookup", "text": ""})


@router.post("/hash-lookup")
def lookup(
    request: Request,
    session: DbSession,
    actor: WebActor,
    hashes: Annotated[str, Form(max_length=300_000)],
    threshold: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    context: dict[str, Any] = {"title": "Hash lookup", "text": hashes, "threshold": threshold}
    try:
        queries = parse_lookup(hashes)
        results = matching.match(
            session,
            actor=actor,
            index=hash_index(request),
            queries=queries,
            pdq_threshold=int(threshold) if threshold.strip().isdigit() else None,
            settings=request.app.state.settings,
        )
    except NohavenError as exc:
        context["error"] = exc.detail
        return render(request, "hashes/lookup.html", context, status_code=exc.status_code)
    owners = repo.organisation_names(
        session, {h.hash_list.owner_organisation_id for r in results for h in r.hits}
    )
    context |= {
        "results": results,
        "owners": owners,
        "label": classification.label,
        "matched": sum(1 for r in results if r.hits),
    }
    return render(request, "hashes/lookup.html", context)


# --- import and export ----------------------------------------------------------------------


@router.post("/hash-lists/{list_id}/import")
@body_limit("upload")
def import_file(
    request: Request,
    session: DbSession,
    actor: WebActor,
    list_id: str,
    file: UploadFile,
    format: Annotated[str, Form(max_length=10)] = "vics",
) -> Response:
    hash_list = service.get_list(session, actor=actor, list_id=list_id)
    context: dict[str, Any] = {"title": "Import report", "hash_list": hash_list, "report": None}
    status_code = 200
    try:
        report = run_import(request, session, actor, list_id, format, file)
        context["report"] = report
        status_code = 200 if report.committed else 422
    except NohavenError as exc:
        context["error"] = exc.detail
        status_code = exc.status_code
    if request.headers.get("HX-Request"):
        # htmx swaps only successful answers: the report itself says whether it failed.
        return render(request, "hashes/_import_report.html", context)
    return render(request, "hashes/import_report.html", context, status_code=status_code)


@router.get("/hash-lists/{list_id}/export")
@writes  # records an audited read
def export_file(
    session: DbSession,
    actor: WebActor,
    list_id: str,
    format: str = "vics2",
) -> Response:
    return export_response(session, actor, list_id, format)
