"""The peers page: peers with their status, last contact and last error; the subscriptions
the actor may see with their checkpoint, lag and last sync."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.federation import service, subscriptions
from nohaven.federation.identity import NodeIdentity
from nohaven.federation.models import Peer
from nohaven.federation.taxii import views as taxii_views
from nohaven.hashes import repository as hashes_repo
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.members import service as members_service
from nohaven.web.csrf import check_csrf
from nohaven.web.forms import form_action
from nohaven.web.nav import NavLink
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
router.include_router(taxii_views.router)

NAV: tuple[NavLink, ...] = (
    NavLink(N_("Peers"), "/peers", "Administration", lambda a: can(a, Action.MANAGE, Peer)),
)


def _page(
    request: Request, session: Session, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    peers = service.list_peers(session, actor=actor)
    subs = subscriptions.list_subscriptions(session, actor=actor)
    me: NodeIdentity | None = getattr(request.app.state, "federation_identity", None)
    may_manage = can(actor, Action.MANAGE, Peer)
    lists = hashes_repo.lists_by_id(session, {s.local_list_id for s in subs})
    context = {
        "title": _("Peers"),
        "node_id": me.node_id if me else None,
        "peers": peers,
        "subscriptions": subs,
        "names": hashes_repo.organisation_names(
            session, {p.organisation_id for p in peers if p.organisation_id}
        ),
        "peer_names": {p.id: p.name for p in peers},
        "list_names": {i: h.name for i, h in lists.items()},
        "may_manage": may_manage,
        "may_share": {s.id for s in subs if can(actor, Action.MANAGE, s)},
        "organisations": (
            members_service.list_organisations(session, actor=actor) if may_manage else []
        ),
        **extra,
    }
    return render(request, "federation/peers.html", context, status_code=status_code)


@router.get("/peers")
def peers_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _page(request, session, actor)


def _act(request: Request, session: Session, actor: Actor, action: Any, flash: str) -> Response:
    return form_action(
        request,
        session,
        action,
        refused=lambda refusal: _page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/peers",
        flash=flash,
    )


@router.post("/peers/{peer_id}/approve")
def approve(
    request: Request,
    session: DbSession,
    actor: WebActor,
    peer_id: str,
    organisation_id: Annotated[str, Form(max_length=32)],
) -> Response:
    return _act(
        request,
        session,
        actor,
        lambda: service.approve_peer(
            session, actor=actor, peer_id=peer_id, organisation_id=organisation_id
        ),
        N_("Peer approved."),
    )


@router.post("/peers/{peer_id}/suspend")
def suspend(request: Request, session: DbSession, actor: WebActor, peer_id: str) -> Response:
    return _act(
        request,
        session,
        actor,
        lambda: service.suspend_peer(session, actor=actor, peer_id=peer_id),
        N_("Peer suspended."),
    )


@router.post("/peers/subscriptions/{subscription_id}/sightings")
def share_sightings(
    request: Request,
    session: DbSession,
    actor: WebActor,
    subscription_id: str,
    share: Annotated[bool, Form()],
) -> Response:
    return _act(
        request,
        session,
        actor,
        lambda: subscriptions.set_share_sightings(
            session, actor=actor, subscription_id=subscription_id, share=share
        ),
        N_("Sightings will be sent to the owner.") if share else N_("Sightings stay on this node."),
    )


# Peer and subscription states as the page names them (through `translated`), for the catalogue.
STATE_NAMES = (
    N_("requested"),
    N_("pending"),
    N_("active"),
    N_("refused"),
    N_("suspended"),
    N_("recalled"),
    N_("cancelled"),
)
