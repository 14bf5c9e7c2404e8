"""JSON API of the webhooks domain: an organisation's endpoints and their delivery log."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, status

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.config import AppSettings, Settings
from nohaven.keys.ring import data_keyring
from nohaven.webhooks import addresses, service
from nohaven.webhooks.schemas import (
    AttemptRead,
    DeliveryRead,
    EndpointCreate,
    EndpointIssued,
    EndpointRead,
    EndpointUpdate,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


def guard(settings: Settings) -> addresses.Guard:
    return addresses.Guard.of(settings)


def _issued(issued: service.Issued) -> EndpointIssued:
    read = EndpointRead.model_validate(issued.endpoint)
    return EndpointIssued(**read.model_dump(), secret=issued.secret)


@router.get("/endpoints", response_model=list[EndpointRead])
def list_endpoints(session: DbSession, actor: ApiActor) -> list[EndpointRead]:
    return [EndpointRead.model_validate(e) for e in service.list_endpoints(session, actor=actor)]


@router.post("/endpoints", response_model=EndpointIssued, status_code=status.HTTP_201_CREATED)
def register_endpoint(
    data: EndpointCreate, session: DbSession, settings: AppSettings, actor: ApiActor
) -> EndpointIssued:
    return _issued(
        service.register_endpoint(
            session,
            actor=actor,
            data=data,
            keyring=data_keyring(settings),
            guard=guard(settings),
        )
    )


@router.get("/endpoints/{endpoint_id}", response_model=EndpointRead)
def get_endpoint(endpoint_id: str, session: DbSession, actor: ApiActor) -> EndpointRead:
    return EndpointRead.model_validate(
        service.get_endpoint(session, actor=actor, endpoint_id=endpoint_id)
    )


@router.patch("/endpoints/{endpoint_id}", response_model=EndpointRead)
def update_endpoint(
    endpoint_id: str, data: EndpointUpdate, session: DbSession, actor: ApiActor
) -> EndpointRead:
    return EndpointRead.model_validate(
        service.update_endpoint(session, actor=actor, endpoint_id=endpoint_id, data=data)
    )


@router.delete("/endpoints/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_endpoint(endpoint_id: str, session: DbSession, actor: ApiActor) -> None:
    service.delete_endpoint(session, actor=actor, endpoint_id=endpoint_id)


@router.post("/endpoints/{endpoint_id}/rotate-secret", response_model=EndpointIssued)
def rotate_secret(
    endpoint_id: str, session: DbSession, settings: AppSettings, actor: ApiActor
) -> EndpointIssued:
    return _issued(
        service.rotate_secret(
            session,
            actor=actor,
            endpoint_id=endpoint_id,
            keyring=data_keyring(settings),
            grace=timedelta(hours=settings.webhooks.secret_grace_hours),
        )
    )


@router.post("/endpoints/{endpoint_id}/pause", response_model=EndpointRead)
def pause_endpoint(endpoint_id: str, session: DbSession, actor: ApiActor) -> EndpointRead:
    return EndpointRead.model_validate(
        service.pause_endpoint(session, actor=actor, endpoint_id=endpoint_id)
    )


@router.post("/endpoints/{endpoint_id}/resume", response_model=EndpointRead)
def resume_endpoint(endpoint_id: str, session: DbSession, actor: ApiActor) -> EndpointRead:
    return EndpointRead.model_validate(
        service.resume_endpoint(session, actor=actor, endpoint_id=endpoint_id)
    )


@router.post(
    "/endpoints/{endpoint_id}/test",
    response_model=DeliveryRead,
    status_code=status.HTTP_202_ACCEPTED,
)
def send_test(endpoint_id: str, session: DbSession, actor: ApiActor) -> DeliveryRead:
    return DeliveryRead.model_validate(
        service.send_test(session, actor=actor, endpoint_id=endpoint_id)
    )


@router.get("/endpoints/{endpoint_id}/deliveries", response_model=list[DeliveryRead])
def delivery_log(
    endpoint_id: str,
    session: DbSession,
    actor: ApiActor,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryRead]:
    _, lines = service.delivery_log(session, actor=actor, endpoint_id=endpoint_id, limit=limit)
    return [
        DeliveryRead.model_validate(line.delivery).model_copy(
            update={"history": [AttemptRead.model_validate(a) for a in line.attempts]}
        )
        for line in lines
    ]


@router.post(
    "/endpoints/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryRead,
    status_code=status.HTTP_202_ACCEPTED,
)
def redeliver(
    endpoint_id: str, delivery_id: str, session: DbSession, actor: ApiActor
) -> DeliveryRead:
    return DeliveryRead.model_validate(
        service.redeliver(session, actor=actor, endpoint_id=endpoint_id, delivery_id=delivery_id)
    )
