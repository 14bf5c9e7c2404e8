"""JSON API of OpenID sign-in: an organisation's provider settings (its admins' and the
secretariat's). The client secret goes in and never comes out."""

from __future__ import annotations

from fastapi import APIRouter, status

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.auth.oidc import outbound, service
from nohaven.auth.oidc.schemas import OidcProviderRead, OidcProviderSet
from nohaven.config import AppSettings
from nohaven.keys.ring import data_keyring

router = APIRouter(prefix="/organisations/{organisation_id}/oidc", tags=["auth"])


@router.get("", response_model=OidcProviderRead)
def get_provider(organisation_id: str, session: DbSession, actor: ApiActor) -> OidcProviderRead:
    return OidcProviderRead.model_validate(
        service.get_provider(session, actor=actor, organisation_id=organisation_id)
    )


@router.put("", response_model=OidcProviderRead, status_code=status.HTTP_200_OK)
def set_provider(
    organisation_id: str,
    data: OidcProviderSet,
    session: DbSession,
    settings: AppSettings,
    actor: ApiActor,
) -> OidcProviderRead:
    return OidcProviderRead.model_validate(
        service.set_provider(
            session,
            actor=actor,
            organisation_id=organisation_id,
            data=data,
            keyring=data_keyring(settings),
            addresses=outbound.guard_of(settings),
        )
    )
