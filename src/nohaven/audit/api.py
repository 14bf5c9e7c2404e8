"""JSON API of the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from nohaven.audit import checkpoints, service
from nohaven.auth.deps import ApiActor, DbSession
from nohaven.db import SQL_INT_MAX
from nohaven.transactions import writes

router = APIRouter(tags=["audit"])


class AuditEntryRead(BaseModel):
    # None until the sealer has numbered and chained the entry (seconds, see docs/audit.md).
    seq: int | None
    at: str
    actor_user_id: str | None
    actor_label: str
    organisation_id: str | None
    action: str
    resource_type: str
    resource_id: str | None
    request_id: str
    summary: dict[str, Any]
    prev_hash: str | None
    entry_hash: str | None


@router.get("/audit", response_model=list[AuditEntryRead])
@writes  # records an audited read
def list_audit(
    session: DbSession,
    actor: ApiActor,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_seq: Annotated[int | None, Query(ge=1, le=SQL_INT_MAX)] = None,
    action: Annotated[str | None, Query(max_length=80)] = None,
) -> list[AuditEntryRead]:
    entries = service.list_entries(
        session, actor=actor, limit=limit, before_seq=before_seq, action_prefix=action
    )
    return [AuditEntryRead(**service.as_dict(e)) for e in entries]


class CheckpointRead(BaseModel):
    seq: int
    entry_hash: str
    signed_at: str
    public_key: str
    signature: str


class CheckpointExport(BaseModel):
    format: str
    checkpoints: list[CheckpointRead]


@router.get("/audit/checkpoints", response_model=CheckpointExport)
def list_checkpoints(session: DbSession, actor: ApiActor) -> CheckpointExport:
    """Every signed checkpoint of the audit chain, in the file format that
    `nohaven audit verify --checkpoints FILE` reads: save the body and keep it."""
    return CheckpointExport.model_validate(checkpoints.export_for(session, actor=actor))
