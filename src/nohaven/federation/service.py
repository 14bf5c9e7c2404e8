"""Peering: this node's identity, requests to peer (sent and received), approval, and the
account a peer acts through here. Every change is audited in its transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth import service as auth_service
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, hidden, require
from nohaven.config import FederationSettings, Settings
from nohaven.errors import Conflict, InvalidInput, NotAuthenticated
from nohaven.federation import client as peer_client
from nohaven.federation import identity
from nohaven.federation import repository as repo
from nohaven.federation.identity import NodeIdentity
from nohaven.federation.models import Peer, PeerStatus
from nohaven.federation.schemas import PeeringRequest, PeerRequestCreate
from nohaven.kit.clock import utcnow
from nohaven.members.models import Organisation, User, UserRole


def node_identity(settings: Settings) -> NodeIdentity:
    fed: FederationSettings = settings.federation
    url = fed.public_url or f"http://{settings.host}:{settings.port}"
    return identity.load_identity(fed.node_key_file, name=fed.node_name, url=url)


def _audit(session: Session, actor: Actor, action: str, peer: Peer, **summary: Any) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"federation.{action}",
        resource_type="federation_peer",
        resource_id=peer.id,
        summary={"node_id": peer.node_id, "name": peer.name, **summary},
    )


def list_peers(session: Session, *, actor: Actor) -> Sequence[Peer]:
    require(actor, Action.LIST, Peer)
    return repo.peers(session)


def get_peer(session: Session, *, actor: Actor, peer_id: str, action: Action = Action.READ) -> Peer:
    peer = session.get(Peer, peer_id)
    if peer is None:
        raise hidden(Peer.policy_kind)
    require(actor, action, peer)
    return peer


def _link(session: Session, peer: Peer, organisation_id: str) -> None:
    """Who the peer is here: an organisation, and an account of it (no password, no login)
    that the peer's signed requests act through, so this node's policy decides for the peer
    exactly as it decides for that organisation's users."""
    if session.get(Organisation, organisation_id) is None:
        raise InvalidInput(
            "No such organisation.", errors=[{"field": "organisation_id", "message": "unknown"}]
        )
    peer.organisation_id = organisation_id
    email = f"node-{peer.node_id[:24]}@peers.invalid"
    user = session.query(User).filter(User.email == email).one_or_none()
    if user is None:
        user = User(
            organisation_id=organisation_id,
            email=email,
            display_name=f"Node {peer.name}"[:200],
            roles=[UserRole.ANALYST.value],
            password_hash=None,
        )
        session.add(user)
    user.organisation_id = organisation_id
    user.is_active = True
    session.flush()
    peer.node_user_id = user.id


def request_peering(
    session: Session,
    *,
    actor: Actor,
    me: NodeIdentity,
    http: httpx.Client,
    data: PeerRequestCreate,
) -> Peer:
    """Ask the node at ``data.url`` to peer with us; its key is pinned here from now on."""
    require(actor, Action.CREATE, Peer)
    found = peer_client.fetch_identity(http, data.url)
    node_id = str(found["node_id"])
    if data.expect_node_id and data.expect_node_id != node_id:
        raise Conflict(
            f"The node at {data.url} is {node_id}, not {data.expect_node_id}: not pinned."
        )
    if node_id == me.node_id:
        raise InvalidInput("A node cannot peer with itself.")
    if repo.peer_by_node(session, node_id) is not None:
        raise Conflict("This node is already a peer (or asked to be one).")
    peer = Peer(
        node_id=node_id,
        public_key=str(found["public_key"]),
        name=str(found.get("name", ""))[:200] or data.url,
        url=data.url.rstrip("/"),
        status=PeerStatus.REQUESTED,
    )
    session.add(peer)
    session.flush()
    _link(session, peer, data.organisation_id)
    client = peer_client.PeerClient(
        http, me, url=peer.url, node_id=peer.node_id, public_key=peer.public_key
    )
    answer = client.post(
        "/api/v1/federation/peering",
        PeeringRequest(
            node_id=me.node_id, name=me.name, url=me.url, public_key=me.public_key
        ).model_dump(),
    )
    if not answer.ok:
        raise Conflict(f"The peer refused the request: {_detail(answer.body)}")
    peer.last_contact_at = utcnow()
    _audit(session, actor, "peer_request", peer, url=peer.url)
    return peer


def _detail(body: Any) -> str:
    return str(body.get("detail", "")) if isinstance(body, dict) else ""


def receive_peering(
    session: Session, *, me: NodeIdentity, data: PeeringRequest, call: identity.SignedCall
) -> Peer:
    """Another node asks to peer. The request must be signed with the key it names; it waits
    for our admin's approval, and nothing of ours is visible to it until then."""
    if identity.fingerprint(data.public_key) != data.node_id or call.node_id != data.node_id:
        raise InvalidInput("The node id is not the fingerprint of the key.")
    call.check(public_key=data.public_key, target=me.node_id)
    existing = repo.peer_by_node(session, data.node_id)
    if existing is not None:
        return existing  # asking again changes nothing, whatever was decided
    peer = Peer(
        node_id=data.node_id,
        public_key=data.public_key,
        name=data.name,
        url=data.url.rstrip("/"),
        status=PeerStatus.PENDING,
        last_contact_at=utcnow(),
    )
    session.add(peer)
    session.flush()
    _audit(session, Actor.system(f"node {data.name}"[:254]), "peer_requested", peer, url=peer.url)
    return peer


def approve_peer(session: Session, *, actor: Actor, peer_id: str, organisation_id: str) -> Peer:
    peer = get_peer(session, actor=actor, peer_id=peer_id, action=Action.MANAGE)
    if peer.status not in (PeerStatus.PENDING, PeerStatus.SUSPENDED):
        raise Conflict(f"A peer that is {peer.status} cannot be approved.")
    _link(session, peer, organisation_id)
    peer.status = PeerStatus.ACTIVE
    peer.decided_at = utcnow()
    _audit(session, actor, "peer_approve", peer, organisation_id=organisation_id)
    return peer


def refuse_peer(session: Session, *, actor: Actor, peer_id: str) -> Peer:
    peer = get_peer(session, actor=actor, peer_id=peer_id, action=Action.MANAGE)
    if peer.status != PeerStatus.PENDING:
        raise Conflict(f"A peer that is {peer.status} cannot be refused.")
    peer.status = PeerStatus.REFUSED
    peer.decided_at = utcnow()
    _audit(session, actor, "peer_refuse", peer)
    return peer


def suspend_peer(session: Session, *, actor: Actor, peer_id: str) -> Peer:
    peer = get_peer(session, actor=actor, peer_id=peer_id, action=Action.MANAGE)
    peer.status = PeerStatus.SUSPENDED
    peer.decided_at = utcnow()
    _audit(session, actor, "peer_suspend", peer)
    return peer


def caller(session: Session, *, me: NodeIdentity, call: identity.SignedCall) -> tuple[Peer, Actor]:
    """The active peer behind a signed request, and the actor it is on this node."""
    peer = repo.peer_by_node(session, call.node_id)
    if peer is None:
        raise NotAuthenticated("This node does not know the calling node.")
    call.check(public_key=peer.public_key, target=me.node_id)
    if peer.status == PeerStatus.REQUESTED:
        # We asked them; a signed call from them is their approval made visible to us.
        peer.status = PeerStatus.ACTIVE
        peer.decided_at = utcnow()
    if peer.status != PeerStatus.ACTIVE or peer.node_user_id is None:
        raise NotAuthenticated(f"The peering is {peer.status}, not active.")
    user = repo.node_user(session, peer.node_user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("The peer's account here is deactivated.")
    peer.last_contact_at = utcnow()
    return peer, auth_service.actor_for(session, user)


def client_for(http: httpx.Client, me: NodeIdentity, peer: Peer) -> peer_client.PeerClient:
    return peer_client.PeerClient(
        http, me, url=peer.url, node_id=peer.node_id, public_key=peer.public_key
    )


def note_contact(peer: Peer, *, error: str | None) -> None:
    """A call to the peer went through (or did not): what the peers page shows."""
    now = utcnow()
    if error is None:
        peer.last_contact_at = now
        peer.last_error = None
        if peer.status == PeerStatus.REQUESTED:
            peer.status = PeerStatus.ACTIVE  # it answered a signed call: it approved us
            peer.decided_at = now
    else:
        peer.last_error = error[:2000]
        peer.last_error_at = now
