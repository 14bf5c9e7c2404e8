"""Pages of the webhooks domain: an organisation admin's endpoints and their delivery log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.config import AppSettings
from nohaven.errors import InvalidInput
from nohaven.keys.ring import data_keyring
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.web.csrf import check_csrf
from nohaven.web.forms import form_action
from nohaven.web.nav import NavLink
from nohaven.web.templating import render
from nohaven.webhooks import service
from nohaven.webhooks.api import guard
from nohaven.webhooks.events import EVENT_KINDS
from nohaven.webhooks.models import Endpoint
from nohaven.webhooks.schemas import EndpointCreate, EndpointUpdate

# Organisation admins (and the secretariat's) only: the policy rule decides, as for the page.
NAV: tuple[NavLink, ...] = (
    NavLink(N_("Webhooks"), "/webhooks", "Administration", lambda a: can(a, Action.LIST, Endpoint)),
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

KindList = Annotated[list[str] | None, Form()]


def _endpoints_page(
    request: Request, session: DbSession, actor: WebActor, status_code: int = 200, **extra: object
) -> Response:
    endpoints = service.list_endpoints(session, actor=actor)
    return render(
        request,
        "webhooks/endpoints.html",
        {"title": _("Webhooks"), "endpoints": endpoints, "event_kinds": EVENT_KINDS, **extra},
        status_code=status_code,
    )


def _endpoint_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    endpoint_id: str,
    status_code: int = 200,
    **extra: object,
) -> Response:
    endpoint, log = service.delivery_log(session, actor=actor, endpoint_id=endpoint_id)
    return render(
        request,
        "webhooks/endpoint.html",
        {
            "title": _("Webhook endpoint"),
            "endpoint": endpoint,
            "log": log,
            "event_kinds": EVENT_KINDS,
            **extra,
        },
        status_code=status_code,
    )


@router.get("/webhooks")
def endpoints_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _endpoints_page(request, session, actor)


def _create(data: dict[str, object]) -> EndpointCreate:
    try:
        return EndpointCreate.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(str(exc.errors()[0]["msg"]).removeprefix("Value error, ")) from exc


@router.post("/webhooks")
def register_endpoint(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    actor: WebActor,
    url: Annotated[str, Form(max_length=500)],
    description: Annotated[str, Form(max_length=200)] = "",
    kinds: KindList = None,
    full_payload_kinds: KindList = None,
) -> Response:
    return form_action(
        request,
        session,
        lambda: service.register_endpoint(
            session,
            actor=actor,
            data=_create(
                {
                    "url": url,
                    "description": description,
                    "kinds": kinds or [],
                    "full_payload_kinds": full_payload_kinds or [],
                }
            ),
            keyring=data_keyring(settings),
            guard=guard(settings),
        ),
        refused=lambda refusal: _endpoints_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        # The secret is shown once, on this answer: never in a cookie or a URL.
        show=lambda issued: _endpoint_page(
            request,
            session,
            actor,
            issued.endpoint.id,
            issued=issued.secret,
            notice=_("Endpoint registered."),
        ),
    )


@router.get("/webhooks/{endpoint_id}")
def endpoint_page(
    request: Request, session: DbSession, actor: WebActor, endpoint_id: str
) -> Response:
    return _endpoint_page(request, session, actor, endpoint_id)


@router.post("/webhooks/{endpoint_id}")
def update_endpoint(
    request: Request,
    session: DbSession,
    actor: WebActor,
    endpoint_id: str,
    description: Annotated[str, Form(max_length=200)] = "",
    kinds: KindList = None,
    full_payload_kinds: KindList = None,
) -> Response:
    def update() -> object:
        try:
            data = EndpointUpdate(
                description=description,
                kinds=kinds or [],
                full_payload_kinds=full_payload_kinds or [],
            )
        except ValidationError as exc:
            raise InvalidInput(N_("Choose at least one known kind of event.")) from exc
        return service.update_endpoint(session, actor=actor, endpoint_id=endpoint_id, data=data)

    return form_action(
        request,
        session,
        update,
        refused=lambda refusal: _endpoint_page(
            request,
            session,
            actor,
            endpoint_id,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        redirect=f"/webhooks/{endpoint_id}",
        flash=N_("Endpoint saved."),
    )


@router.post("/webhooks/{endpoint_id}/rotate-secret")
def rotate_secret(
    request: Request, session: DbSession, settings: AppSettings, actor: WebActor, endpoint_id: str
) -> Response:
    return form_action(
        request,
        session,
        lambda: service.rotate_secret(
            session,
            actor=actor,
            endpoint_id=endpoint_id,
            keyring=data_keyring(settings),
            grace=timedelta(hours=settings.webhooks.secret_grace_hours),
        ),
        show=lambda issued: _endpoint_page(
            request,
            session,
            actor,
            endpoint_id,
            issued=issued.secret,
            notice=_("New secret made; the previous one still signs until the date shown."),
        ),
    )


def _simple(
    request: Request, session: DbSession, endpoint_id: str, action: Callable[[], object], flash: str
) -> Response:
    return form_action(request, session, action, redirect=f"/webhooks/{endpoint_id}", flash=flash)


@router.post("/webhooks/{endpoint_id}/pause")
def pause_endpoint(
    request: Request, session: DbSession, actor: WebActor, endpoint_id: str
) -> Response:
    return _simple(
        request,
        session,
        endpoint_id,
        lambda: service.pause_endpoint(session, actor=actor, endpoint_id=endpoint_id),
        N_("Endpoint paused: deliveries wait until it is resumed."),
    )


@router.post("/webhooks/{endpoint_id}/resume")
def resume_endpoint(
    request: Request, session: DbSession, actor: WebActor, endpoint_id: str
) -> Response:
    return _simple(
        request,
        session,
        endpoint_id,
        lambda: service.resume_endpoint(session, actor=actor, endpoint_id=endpoint_id),
        N_("Endpoint resumed: waiting deliveries are sent now."),
    )


@router.post("/webhooks/{endpoint_id}/test")
def send_test(request: Request, session: DbSession, actor: WebActor, endpoint_id: str) -> Response:
    return _simple(
        request,
        session,
        endpoint_id,
        lambda: service.send_test(session, actor=actor, endpoint_id=endpoint_id),
        N_("Test event queued; it appears in the log below once sent."),
    )


@router.post("/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver")
def redeliver(
    request: Request, session: DbSession, actor: WebActor, endpoint_id: str, delivery_id: str
) -> Response:
    return _simple(
        request,
        session,
        endpoint_id,
        lambda: service.redeliver(
            session, actor=actor, endpoint_id=endpoint_id, delivery_id=delivery_id
        ),
        N_("Delivery queued to be sent again."),
    )


@router.post("/webhooks/{endpoint_id}/delete")
def delete_endpoint(
    request: Request, session: DbSession, actor: WebActor, endpoint_id: str
) -> Response:
    return form_action(
        request,
        session,
        lambda: service.delete_endpoint(session, actor=actor, endpoint_id=endpoint_id),
        redirect="/webhooks",
        flash=N_("Endpoint deleted."),
    )


# Endpoint and delivery states as the pages name them (through `translated`), for the catalogue.
STATE_NAMES = (
    N_("active"),
    N_("paused"),
    N_("pending"),
    N_("delivered"),
    N_("failed"),
)
