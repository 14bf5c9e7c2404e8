"""Subscriptions to lists a peer shares with us: what the peer offers, subscribing (a local
copy owned here by the peer's organisation, seen by the subscribing organisation only), and
the subscribing organisation's choice to send its sightings back."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, Tlp, can, hidden, require
from nohaven.errors import Conflict, InvalidInput, NotFound
from nohaven.federation import repository as repo
from nohaven.federation import service
from nohaven.federation.client import PeerClient, PeerUnreachable
from nohaven.federation.identity import NodeIdentity
from nohaven.federation.models import PeerStatus, Subscription
from nohaven.federation.schemas import SubscriptionCreate
from nohaven.hashes import service as hashes_service
from nohaven.hashes.models import ListKind
from nohaven.hashes.schemas import HashListCreate


def audit_subscription(
    session: Session, actor: Actor, action: str, sub: Subscription, **summary: Any
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"federation.{action}",
        resource_type="federation_subscription",
        resource_id=sub.id,
        organisation_id=sub.organisation_id,
        summary={"peer": sub.peer_id, "remote_list": sub.remote_list_id, **summary},
    )


def shared_with_us(client: PeerClient) -> list[dict[str, Any]]:
    answer = client.get("/api/v1/federation/lists")
    if not answer.ok or not isinstance(answer.body, list):
        raise PeerUnreachable(f"The peer answered {answer.status} to the list of shared lists.")
    return answer.body


def subscribe(
    session: Session,
    *,
    actor: Actor,
    me: NodeIdentity,
    http: httpx.Client,
    data: SubscriptionCreate,
) -> Subscription:
    require(actor, Action.CREATE, Subscription)
    peer = service.get_peer(session, actor=actor, peer_id=data.peer_id)
    if peer.status not in (PeerStatus.ACTIVE, PeerStatus.REQUESTED) or not peer.organisation_id:
        raise Conflict(f"The peering is {peer.status}: nothing can be subscribed to.")
    org = hashes_service.organisation_of(actor)
    if org == peer.organisation_id:
        raise InvalidInput("The peer stands for your own organisation here.")
    if repo.subscription_for(session, peer.id, data.remote_list_id) is not None:
        raise Conflict("This node already subscribes to that list.")
    client = service.client_for(http, me, peer)
    shared = {str(s.get("id")): s for s in shared_with_us(client)}
    service.note_contact(peer, error=None)
    found = shared.get(data.remote_list_id)
    if found is None:
        raise NotFound("The peer shares no such list with this node.")
    name = f"{found.get('name', '')} (from {peer.name})"[:200]
    copy = hashes_service.create_list(
        session,
        actor=Actor.system(f"federation: {peer.name}"[:254]),
        data=HashListCreate(
            name=name if len(name) >= 2 else "copy",
            description=f"Copy of a list of node {peer.name}, kept in step by federation.",
            tlp=Tlp(str(found.get("tlp"))),
            kind=ListKind(str(found.get("kind", ListKind.KNOWN))),
            audience_organisation_ids=[org],
        ),
        owner_organisation_id=peer.organisation_id,
    )
    sub = Subscription(
        peer_id=peer.id,
        remote_list_id=data.remote_list_id,
        organisation_id=org,
        local_list_id=copy.id,
        share_sightings=data.share_sightings,
        remote_head=int(found.get("change_seq", 0)),
        created_by_id=actor.user_id,
    )
    session.add(sub)
    session.flush()
    audit_subscription(session, actor, "subscribe", sub, share_sightings=sub.share_sightings)
    return sub


def get_subscription(
    session: Session, *, actor: Actor, subscription_id: str, action: Action = Action.READ
) -> Subscription:
    sub = session.get(Subscription, subscription_id)
    if sub is None:
        raise hidden(Subscription.policy_kind)
    require(actor, action, sub)
    return sub


def list_subscriptions(session: Session, *, actor: Actor) -> list[Subscription]:
    require(actor, Action.LIST, Subscription)
    return [s for s in repo.subscriptions(session) if can(actor, Action.READ, s)]


def set_share_sightings(
    session: Session, *, actor: Actor, subscription_id: str, share: bool
) -> Subscription:
    sub = get_subscription(
        session, actor=actor, subscription_id=subscription_id, action=Action.MANAGE
    )
    sub.share_sightings = share
    audit_subscription(session, actor, "share_sightings", sub, share=share)
    return sub
