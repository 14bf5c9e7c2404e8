"""JSON API of the auth domain: who am I, and API tokens."""

from __future__ import annotations

from fastapi import APIRouter, status

from nohaven.auth import service
from nohaven.auth.deps import ApiActor, DbSession
from nohaven.auth.oidc import api as oidc_api
from nohaven.auth.schemas import Me, TokenCreate, TokenIssued, TokenRead
from nohaven.config import AppSettings

router = APIRouter(tags=["auth"])
router.include_router(oidc_api.router)


@router.get("/me", response_model=Me)
def me(actor: ApiActor) -> Me:
    return Me(
        user_id=actor.user_id,
        email=actor.label,
        organisation_id=actor.organisation_id,
        roles=sorted(actor.roles),
        scopes=sorted(actor.scopes) if actor.scopes is not None else None,
        body_roles=actor.body_roles,
    )


@router.get("/tokens", response_model=list[TokenRead])
def list_tokens(session: DbSession, actor: ApiActor) -> list[TokenRead]:
    return [TokenRead.model_validate(t) for t in service.list_api_tokens(session, actor=actor)]


@router.post("/tokens", response_model=TokenIssued, status_code=status.HTTP_201_CREATED)
def create_token(
    data: TokenCreate, session: DbSession, settings: AppSettings, actor: ApiActor
) -> TokenIssued:
    issued = service.create_api_token(
        session,
        actor=actor,
        name=data.name,
        scopes=list(data.scopes),
        days=data.days,
        max_days=settings.api_token_max_days,
    )
    read = TokenRead.model_validate(issued.token)
    return TokenIssued(**read.model_dump(), token=issued.secret)


@router.delete("/tokens/{token_id}", response_model=TokenRead)
def revoke_token(token_id: str, session: DbSession, actor: ApiActor) -> TokenRead:
    return TokenRead.model_validate(
        service.revoke_api_token(session, actor=actor, token_id=token_id)
    )
