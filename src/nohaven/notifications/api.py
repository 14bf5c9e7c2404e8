"""JSON API of the inbox."""

from __future__ import annotations

from fastapi import APIRouter

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.notifications import service
from nohaven.notifications.schemas import NoticeRead

router = APIRouter(tags=["inbox"])


@router.get("/inbox", response_model=list[NoticeRead])
def list_inbox(session: DbSession, actor: ApiActor, unread: bool = False) -> list[NoticeRead]:
    return [
        NoticeRead.model_validate(n)
        for n in service.inbox(session, actor=actor, unread_only=unread)
    ]


@router.post("/inbox/{notice_id}/read", response_model=NoticeRead)
def mark_read(notice_id: str, session: DbSession, actor: ApiActor) -> NoticeRead:
    return NoticeRead.model_validate(service.mark_read(session, actor=actor, notice_id=notice_id))
