"""JSON API of the federation domain: the routes nodes call on each other (signed with the
node keys, answered signed) and the routes a node's admins and analysts use (API tokens)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, FastAPI, Query, Request, status
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import ApiActor, DbSession
from nohaven.config import AppSettings, Settings
from nohaven.db import SQL_INT_MAX
from nohaven.errors import NohavenError, NotAuthenticated, NotFound
from nohaven.federation import identity, service, serving, subscriptions
from nohaven.federation.identity import NodeIdentity
from nohaven.federation.schemas import (
    FEED_PAGE_MAX,
    NodeRead,
    PeerApprove,
    PeeringRequest,
    PeerRead,
    PeerRequestCreate,
    Report,
    SubscriptionCreate,
    SubscriptionRead,
    SubscriptionUpdate,
)
from nohaven.transactions import writes

router = APIRouter(tags=["federation"])


def install(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    found: NodeIdentity | None = None
    if settings.federation.node_key_file is not None:
        found = service.node_identity(settings)
    app.state.federation_identity = found


def _me(request: Request) -> NodeIdentity:
    found: NodeIdentity | None = getattr(request.app.state, "federation_identity", None)
    if found is None:
        raise NotFound("Federation is off on this node.")
    return found


Me = Annotated[NodeIdentity, Depends(_me)]


async def signed_call(request: Request) -> identity.SignedCall:
    node = request.headers.get(identity.NODE_HEADER, "")
    signature = request.headers.get(identity.SIGNATURE_HEADER, "")
    date = request.headers.get(identity.DATE_HEADER, "")
    if not (node and signature and date):
        raise NotAuthenticated("A node signs its requests (X-Nohaven-Node, -Date, -Signature).")
    path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"")
    full = path + (b"?" + query if query else b"")
    return identity.SignedCall(
        node_id=node[:64],
        date=date[:64],
        signature=signature[:200],
        method=request.method,
        path=full.decode("latin-1"),
        body=await request.body(),
    )


Call = Annotated[identity.SignedCall, Depends(signed_call)]


def _signed(
    me: NodeIdentity, call: identity.SignedCall, status_code: int, payload: Any
) -> Response:
    body = json.dumps(payload, separators=(",", ":"), default=str).encode()
    signature = me.sign(
        identity.response_message(request_signature=call.signature, status=status_code, body=body)
    )
    media = "application/problem+json" if status_code >= 400 else "application/json"
    return Response(
        body,
        status_code=status_code,
        media_type=media,
        headers={identity.SIGNATURE_HEADER: signature},
    )


def _answer_peer(
    session: Session, me: NodeIdentity, call: identity.SignedCall, work: Callable[[Actor], Any]
) -> Response:
    """Run ``work`` as the calling peer and sign whatever comes of it, refusals included: a
    signed "no such list" is what tells a subscriber its copy is recalled."""
    peer_and_actor = service.caller(session, me=me, call=call)
    try:
        savepoint = session.begin_nested()
        try:
            result = work(peer_and_actor[1])
        except BaseException:
            savepoint.rollback()
            raise
        savepoint.commit()
    except NohavenError as exc:
        return _signed(
            me,
            call,
            exc.status_code,
            {"title": exc.title, "status": exc.status_code, "detail": exc.detail},
        )
    return _signed(me, call, 200, result)


# --- between nodes --------------------------------------------------------------------------


@router.get("/federation/node", response_model=NodeRead)
def node(me: Me) -> NodeRead:
    """Who this node is: what a peer's admin checks before pinning its key."""
    return NodeRead(node_id=me.node_id, name=me.name, url=me.url, public_key=me.public_key)


@router.post("/federation/peering", status_code=status.HTTP_202_ACCEPTED)
def receive_peering(session: DbSession, me: Me, call: Call) -> Response:
    try:
        data = PeeringRequest.model_validate_json(call.body)
    except ValidationError as exc:
        raise NohavenError("The peering request is malformed.") from exc
    peer = service.receive_peering(session, me=me, data=data, call=call)
    return _signed(me, call, 202, {"status": peer.status})


@router.get("/federation/lists")
@writes  # the peer's last contact is noted
def shared_lists(session: DbSession, me: Me, call: Call) -> Response:
    return _answer_peer(session, me, call, lambda actor: serving.shared_lists(session, actor=actor))


@router.get("/federation/lists/{list_id}/changes")
@writes  # an audited read
def list_changes(
    list_id: str,
    session: DbSession,
    me: Me,
    call: Call,
    since: Annotated[int, Query(ge=0, le=SQL_INT_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=FEED_PAGE_MAX)] = 1000,
) -> Response:
    return _answer_peer(
        session,
        me,
        call,
        lambda actor: serving.feed_page(
            session, actor=actor, list_id=list_id, since=since, limit=limit
        ),
    )


@router.post("/federation/reports")
def receive_report(session: DbSession, me: Me, call: Call) -> Response:
    peer, _ = service.caller(session, me=me, call=call)
    try:
        report = Report.model_validate_json(call.body)
    except ValidationError as exc:
        return _signed(
            me, call, 422, {"title": "Invalid input", "status": 422, "detail": str(exc)[:500]}
        )
    return _answer_peer(
        session,
        me,
        call,
        lambda actor: serving.receive_report(
            session, peer=peer, actor=actor, report=report
        ).model_dump(),
    )


# --- this node's admins and analysts --------------------------------------------------------


def _http(settings: Settings) -> httpx.Client:
    return httpx.Client(timeout=settings.federation.timeout_seconds)


@router.get("/federation/peers", response_model=list[PeerRead])
def list_peers(session: DbSession, actor: ApiActor) -> list[PeerRead]:
    return [PeerRead.model_validate(p) for p in service.list_peers(session, actor=actor)]


@router.post("/federation/peers", response_model=PeerRead, status_code=status.HTTP_201_CREATED)
def request_peering(
    data: PeerRequestCreate, session: DbSession, actor: ApiActor, me: Me, settings: AppSettings
) -> PeerRead:
    with _http(settings) as http:
        peer = service.request_peering(session, actor=actor, me=me, http=http, data=data)
    return PeerRead.model_validate(peer)


@router.post("/federation/peers/{peer_id}/approve", response_model=PeerRead)
def approve_peer(peer_id: str, data: PeerApprove, session: DbSession, actor: ApiActor) -> PeerRead:
    peer = service.approve_peer(
        session, actor=actor, peer_id=peer_id, organisation_id=data.organisation_id
    )
    return PeerRead.model_validate(peer)


@router.post("/federation/peers/{peer_id}/refuse", response_model=PeerRead)
def refuse_peer(peer_id: str, session: DbSession, actor: ApiActor) -> PeerRead:
    return PeerRead.model_validate(service.refuse_peer(session, actor=actor, peer_id=peer_id))


@router.post("/federation/peers/{peer_id}/suspend", response_model=PeerRead)
def suspend_peer(peer_id: str, session: DbSession, actor: ApiActor) -> PeerRead:
    return PeerRead.model_validate(service.suspend_peer(session, actor=actor, peer_id=peer_id))


@router.get("/federation/subscriptions", response_model=list[SubscriptionRead])
def list_subscriptions(session: DbSession, actor: ApiActor) -> list[SubscriptionRead]:
    return [
        SubscriptionRead.model_validate(s)
        for s in subscriptions.list_subscriptions(session, actor=actor)
    ]


@router.post(
    "/federation/subscriptions",
    response_model=SubscriptionRead,
    status_code=status.HTTP_201_CREATED,
)
def subscribe(
    data: SubscriptionCreate, session: DbSession, actor: ApiActor, me: Me, settings: AppSettings
) -> SubscriptionRead:
    with _http(settings) as http:
        sub = subscriptions.subscribe(session, actor=actor, me=me, http=http, data=data)
    return SubscriptionRead.model_validate(sub)


@router.patch("/federation/subscriptions/{subscription_id}", response_model=SubscriptionRead)
def update_subscription(
    subscription_id: str, data: SubscriptionUpdate, session: DbSession, actor: ApiActor
) -> SubscriptionRead:
    sub = subscriptions.set_share_sightings(
        session, actor=actor, subscription_id=subscription_id, share=data.share_sightings
    )
    return SubscriptionRead.model_validate(sub)
