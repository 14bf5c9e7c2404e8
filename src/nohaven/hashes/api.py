"""JSON API of the hashes domain."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request, UploadFile, status
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import ApiActor, DbSession
from nohaven.db import SQL_INT_MAX
from nohaven.hashes import classification, exchange, feed, importing, matching, service, trust
from nohaven.hashes import repository as repo
from nohaven.hashes.models import HashEntry
from nohaven.hashes.schemas import (
    ChangeRead,
    ChangesResponse,
    CrosswalkRead,
    EntryCreate,
    EntryDetail,
    EntryRead,
    EntryUpdate,
    FeedbackCreate,
    FeedbackRead,
    HashListCreate,
    HashListRead,
    HashListUpdate,
    ImportReport,
    ListSummary,
    MatchHit,
    MatchRequest,
    MatchResponse,
    MatchResult,
    RejectRead,
    SightingRead,
    TombstoneRequest,
    VoteCreate,
    VoteRead,
)
from nohaven.kit.clock import utcnow
from nohaven.kit.filenames import content_disposition, download_name
from nohaven.kit.responses import many_json, model_json
from nohaven.limits import body_limit
from nohaven.transactions import writes

router = APIRouter(tags=["hashes"])


def install(app: FastAPI) -> None:
    """Build the matching index from the database when the app starts."""
    app.state.hash_index = matching.HashIndex()

    def build(app: FastAPI) -> None:
        index = matching.HashIndex()
        with app.state.sessionmaker() as session:
            index.refresh(session)
        app.state.hash_index = index

    app.state.startup_hooks.append(build)


def hash_index(request: Request) -> matching.HashIndex:
    index: matching.HashIndex = request.app.state.hash_index
    return index


def entry_read(entry: HashEntry) -> EntryRead:
    read = EntryRead.model_validate(entry)
    read.crosswalk = [
        CrosswalkRead(scheme=m.scheme, codes=list(m.codes), status=m.status, note=m.note)
        for m in classification.crosswalk(entry.classification_scheme, entry.classification)
    ]
    return read


_LIST_READS = TypeAdapter(list[HashListRead])


@router.get("/lists", response_model=list[HashListRead])
def list_lists(session: DbSession, actor: ApiActor) -> Response:
    return many_json(
        _LIST_READS,
        [HashListRead.model_validate(h) for h in service.visible_lists(session, actor=actor)],
    )


@router.post("/lists", response_model=HashListRead, status_code=status.HTTP_201_CREATED)
def create_list(data: HashListCreate, session: DbSession, actor: ApiActor) -> HashListRead:
    return HashListRead.model_validate(service.create_list(session, actor=actor, data=data))


@router.get("/lists/{list_id}", response_model=HashListRead)
def get_list(list_id: str, session: DbSession, actor: ApiActor) -> HashListRead:
    return HashListRead.model_validate(service.get_list(session, actor=actor, list_id=list_id))


@router.patch("/lists/{list_id}", response_model=HashListRead)
def update_list(
    list_id: str, data: HashListUpdate, session: DbSession, actor: ApiActor
) -> HashListRead:
    return HashListRead.model_validate(
        service.update_list(session, actor=actor, list_id=list_id, data=data)
    )


@router.get("/lists/{list_id}/entries", response_model=list[EntryRead])
def list_entries(
    list_id: str,
    session: DbSession,
    actor: ApiActor,
    include_tombstoned: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=SQL_INT_MAX)] = 0,
) -> list[EntryRead]:
    service.get_list(session, actor=actor, list_id=list_id)
    found = repo.entries_of_list(
        session, list_id, include_tombstoned=include_tombstoned, limit=limit, offset=offset
    )
    return [entry_read(e) for e in found]


@router.post(
    "/lists/{list_id}/entries", response_model=EntryRead, status_code=status.HTTP_201_CREATED
)
def add_entry(list_id: str, data: EntryCreate, session: DbSession, actor: ApiActor) -> EntryRead:
    return entry_read(service.add_entry(session, actor=actor, list_id=list_id, data=data))


@router.get("/lists/{list_id}/sightings", response_model=list[SightingRead])
@writes  # records an audited read
def list_sightings(list_id: str, session: DbSession, actor: ApiActor) -> list[SightingRead]:
    found = service.list_sightings(session, actor=actor, list_id=list_id)
    return [SightingRead.model_validate(s) for s in found]


@router.get("/lists/{list_id}/changes", response_model=ChangesResponse)
@writes  # records an audited read
def list_changes(
    list_id: str,
    session: DbSession,
    actor: ApiActor,
    since: Annotated[
        int, Query(ge=0, le=SQL_INT_MAX, description="checkpoint from the previous page")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=feed.FEED_PAGE_MAX)] = 1000,
) -> ChangesResponse:
    page = feed.changes(session, actor=actor, list_id=list_id, since=since, limit=limit)
    return ChangesResponse(
        list_id=list_id,
        since=since,
        checkpoint=page.checkpoint,
        more=page.more,
        changes=[
            ChangeRead(seq=e.seq, change=feed.change_kind(e), entry=entry_read(e))
            for e in page.entries
        ],
    )


@router.get("/hash-entries/{entry_id}", response_model=EntryDetail)
@writes  # records an audited read
def get_entry(entry_id: str, session: DbSession, actor: ApiActor) -> EntryDetail:
    view = service.entry_view(session, actor=actor, entry_id=entry_id)
    return EntryDetail(
        entry=entry_read(view.entry),
        votes=[VoteRead.model_validate(v) for v in view.votes],
        feedback=[FeedbackRead.model_validate(f) for f in view.feedback],
        sightings=None
        if view.sightings is None
        else [SightingRead.model_validate(s) for s in view.sightings],
    )


@router.patch("/hash-entries/{entry_id}", response_model=EntryRead)
def update_entry(
    entry_id: str, data: EntryUpdate, session: DbSession, actor: ApiActor
) -> EntryRead:
    return entry_read(service.update_entry(session, actor=actor, entry_id=entry_id, data=data))


@router.post("/hash-entries/{entry_id}/tombstone", response_model=EntryRead)
def tombstone_entry(
    entry_id: str, data: TombstoneRequest, session: DbSession, actor: ApiActor
) -> EntryRead:
    return entry_read(
        service.tombstone_entry(session, actor=actor, entry_id=entry_id, reason=data.reason)
    )


@router.post("/hash-entries/{entry_id}/votes", response_model=VoteRead)
def vote(entry_id: str, data: VoteCreate, session: DbSession, actor: ApiActor) -> VoteRead:
    return VoteRead.model_validate(trust.vote(session, actor=actor, entry_id=entry_id, data=data))


@router.post("/hash-entries/{entry_id}/feedback", response_model=FeedbackRead)
def feedback(
    entry_id: str, data: FeedbackCreate, session: DbSession, actor: ApiActor
) -> FeedbackRead:
    return FeedbackRead.model_validate(
        trust.give_feedback(session, actor=actor, entry_id=entry_id, data=data)
    )


def _summary(hits: list[matching.Hit]) -> dict[str, ListSummary]:
    return {
        h.hash_list.id: ListSummary(
            id=h.hash_list.id,
            name=h.hash_list.name,
            owner_organisation_id=h.hash_list.owner_organisation_id,
            owner_organisation_name=h.owner_name,
            tlp=h.hash_list.tlp,
        )
        for h in hits
    }


@router.post("/match", response_model=MatchResponse)
@body_limit("match")
def match(data: MatchRequest, request: Request, session: DbSession, actor: ApiActor) -> Response:
    """Match a batch of hashes of any types; per query, every entry within reach (PDQ: Hamming
    distance ≤ threshold; other types: equal), with the entry's and the list's metadata, from
    the lists the caller may match against."""
    settings = request.app.state.settings
    results = matching.match(
        session,
        actor=actor,
        index=hash_index(request),
        queries=[(q.signal_type.value, q.value) for q in data.queries],
        pdq_threshold=data.pdq_threshold,
        settings=settings,
    )
    lists = _summary([h for r in results for h in r.hits])
    return model_json(
        MatchResponse(
            pdq_threshold=matching.threshold_of(data.pdq_threshold, settings),
            results=[
                MatchResult(
                    index=i,
                    signal_type=r.signal_type,
                    value=r.value,
                    matches=[
                        MatchHit(
                            distance=h.distance,
                            entry=entry_read(h.entry),
                            list=lists[h.hash_list.id],
                            flags=tuple(h.flags),
                        )
                        for h in r.hits
                    ],
                )
                for i, r in enumerate(results)
            ],
        )
    )


def run_import(
    request: Request, session: Session, actor: Actor, list_id: str, fmt: str, file: UploadFile
) -> importing.Report:
    """The request's own transaction ends first (it has only authenticated the caller): the
    import runs in short transactions of its own and must not wait for this one."""
    session.commit()
    return exchange.import_file(
        request.app.state.sessionmaker, actor=actor, list_id=list_id, fmt=fmt, source=file.file
    )


@router.post("/lists/{list_id}/import", response_model=ImportReport)
@body_limit("upload")
def import_file(
    list_id: str,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    file: UploadFile,
    format: Annotated[str, Query(description="vics (1.x or 2.0) or hma")] = "vics",
) -> Response:
    """All or nothing: with any rejected record nothing is imported, and the answer (422) lists
    each rejected record and why."""
    report = run_import(request, session, actor, list_id, format, file)
    body = report_read(report)
    if report.committed:
        return JSONResponse(body.model_dump(mode="json"))
    detail = (
        f"{report.rejected_count} records rejected; nothing was imported."
        if report.rejected_count
        else "The file holds no records; nothing was imported."
    )
    return JSONResponse(
        {
            "type": "https://nohaven.invalid/problems/import-rejected",
            "title": "Import rejected",
            "status": 422,
            "detail": detail,
            "errors": [{"field": f"record {r.record}", "message": r.reason} for r in body.rejected],
            **body.model_dump(mode="json"),
        },
        status_code=422,
        media_type="application/problem+json",
    )


def report_read(report: importing.Report) -> ImportReport:
    return ImportReport(
        list_id=report.list_id,
        format=report.format,
        accepted=report.accepted,
        added=report.added,
        updated=report.updated,
        duplicates=report.duplicates,
        rejected_count=report.rejected_count,
        rejected=[RejectRead(record=n, reason=r) for n, r in report.rejected],
        committed=report.committed,
    )


def export_response(session: Session, actor: Actor, list_id: str, fmt: str) -> Response:
    """The export is written to a spooled file while the transaction is open, then streamed."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b")  # noqa: SIM115
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    exchange.export_file(session, actor=actor, list_id=list_id, fmt=fmt, out=text)
    list_name = service.get_list(session, actor=actor, list_id=list_id).name
    text.flush()
    text.detach()
    spool.seek(0)
    _, media_type, extension = exchange.EXPORT_FORMATS[fmt]

    def chunks() -> Iterator[bytes]:
        with spool:
            while block := spool.read(1 << 16):
                yield block

    return StreamingResponse(
        chunks(),
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(
                download_name(list_name, fmt, extension=extension, on=utcnow().date())
            )
        },
    )


@router.get("/lists/{list_id}/export")
@writes  # records an audited read
def export_file(
    list_id: str,
    session: DbSession,
    actor: ApiActor,
    format: Annotated[str, Query(description="vics2, vics2-case, vics1 or hma")] = "vics2",
) -> Response:
    return export_response(session, actor, list_id, format)
