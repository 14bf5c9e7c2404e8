"""Hash lists: the lists an actor sees, one list with its entries and sharing, its
sightings, import and export.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, Tlp, can
from nohaven.errors import NohavenError
from nohaven.hashes import classification, service
from nohaven.hashes import repository as repo
from nohaven.hashes.api import export_response, run_import
from nohaven.hashes.models import HashList, SignalType
from nohaven.hashes.schemas import EntryCreate, HashListCreate, HashListUpdate
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.kit.paging import TableView, read_table
from nohaven.limits import body_limit
from nohaven.members import service as members_service
from nohaven.transactions import writes
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)


def _directory(session: Session, actor: Actor) -> dict[str, Any]:
    return {
        "organisations": members_service.list_organisations(session, actor=actor),
        "bodies": members_service.list_bodies(session, actor=actor),
        "tlps": list(Tlp),
    }


def _lists_page(
    request: Request, session: Session, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    lists = service.visible_lists(session, actor=actor)
    owners = repo.organisation_names(session, {h.owner_organisation_id for h in lists})
    context = {
        "title": _("Hash lists"),
        "lists": lists,
        "owners": owners,
        "may_create": can(actor, Action.CREATE, HashList),
        **_directory(session, actor),
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
    def create() -> HashList:
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
        return service.create_list(session, actor=actor, data=data)

    return form_action(
        request,
        session,
        create,
        refused=lambda refusal: _lists_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=lambda created: f"/hash-lists/{created.id}",
        flash=N_("Hash list created."),
    )


def _list_page(
    request: Request,
    session: Session,
    actor: Actor,
    list_id: str,
    *,
    status_code: int = 200,
    view: TableView | None = None,
    **extra: Any,
) -> Response:
    hash_list = service.get_list(session, actor=actor, list_id=list_id)
    owner = can(actor, Action.UPDATE, hash_list)
    if view is None:  # the page again after a refused form: its first page
        view = read_table(f"/hash-lists/{quote(list_id)}", {}, repo.ENTRY_TABLE)
    entries, view = repo.page_of_entries(session, list_id, view, include_tombstoned=owner)
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
        "view": view,
        "label": classification.label,
        "signal_types": list(SignalType),
        "schemes": classification.SCHEMES,
        "scheme_labels": classification.SCHEME_LABELS,
        **_directory(session, actor),
        **extra,
    }
    return render(request, "hashes/list.html", context, status_code=status_code)


def _list_action(
    request: Request,
    session: Session,
    actor: Actor,
    list_id: str,
    act: Callable[[], None],
    notice: str,
) -> Response:
    return form_action(
        request,
        session,
        act,
        refused=lambda refusal: _list_page(
            request, session, actor, list_id, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=f"/hash-lists/{quote(list_id)}",
        flash=notice,
    )


@router.get("/hash-lists/{list_id}")
def list_page(request: Request, session: DbSession, actor: WebActor, list_id: str) -> Response:
    view = read_table(request.url.path, request.query_params, repo.ENTRY_TABLE)
    return _list_page(request, session, actor, list_id, view=view)


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
    def share() -> None:
        data = HashListUpdate.model_validate(
            {
                "tlp": tlp,
                "trust_threshold": trust_threshold,
                "audience_organisation_ids": organisations or [],
                "audience_body_ids": bodies or [],
            }
        )
        service.update_list(session, actor=actor, list_id=list_id, data=data)

    return _list_action(request, session, actor, list_id, share, N_("Label and sharing saved."))


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

    def add() -> None:
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

    return _list_action(request, session, actor, list_id, add, N_("Entry added."))


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
            "title": _("Sightings: %(name)s") % {"name": hash_list.name},
            "hash_list": hash_list,
            "sightings": found,
            "names": names,
            # People by name and entries by their hash, not by ids or e-mail addresses.
            "people": members_service.people_names(session, (s.user_id for s in found)),
            "entries": repo.entries_by_id(session, {s.entry_id for s in found}),
        },
    )


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
    # Not a form_action: an import ends the request's transaction and runs in short ones of
    # its own, all or nothing through its staging table; its report is the answer.
    hash_list = service.get_list(session, actor=actor, list_id=list_id)
    context: dict[str, Any] = {"title": _("Import report"), "hash_list": hash_list, "report": None}
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
