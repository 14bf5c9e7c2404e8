"""In-process: the peers page (approve, suspend, the organisation's choice about its
sightings) and the signatures between nodes (a tampered or stale request is refused)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.errors import NotAuthenticated
from nohaven.federation import identity, service
from nohaven.federation.identity import NodeIdentity, SignedCall
from nohaven.federation.models import Peer, Subscription
from nohaven.hashes.models import HashList
from nohaven.kit.clock import utcnow
from nohaven.members.models import OrganisationKind
from tests.factories import Factory, csrf_from, web_login


def _node(name: str) -> NodeIdentity:
    return NodeIdentity(key=Ed25519PrivateKey.generate(), name=name, url=f"http://{name}.test")


def _call(caller: NodeIdentity, target: NodeIdentity, *, path: str, date: str = "") -> SignedCall:
    date = date or utcnow().isoformat()
    message = identity.request_message(
        target=target.node_id, method="GET", path=path, date=date, body=b""
    )
    return SignedCall(caller.node_id, date, caller.sign(message), "GET", path, b"")


def _peer(db: Session, node: NodeIdentity, status: str = "pending") -> Peer:
    peer = Peer(
        node_id=node.node_id,
        public_key=node.public_key,
        name=node.name,
        url=node.url,
        status=status,
    )
    db.add(peer)
    db.flush()
    return peer


def test_a_signed_call_from_an_approved_peer_acts_as_its_organisation(
    db: Session, factory: Factory
) -> None:
    me, them = _node("alliance"), _node("agency")
    org = factory.organisation("Agency", kind=OrganisationKind.LAW_ENFORCEMENT)
    peer = _peer(db, them)
    call = _call(them, me, path="/api/v1/federation/lists")
    with pytest.raises(NotAuthenticated, match="pending"):
        service.caller(db, me=me, call=call)
    service.approve_peer(
        db,
        actor=factory.actor(factory.user(roles=("secretariat_admin",))),
        peer_id=peer.id,
        organisation_id=org.id,
    )
    _, actor = service.caller(db, me=me, call=call)
    assert actor.organisation_id == org.id
    assert actor.roles == frozenset({"analyst"})


@pytest.mark.parametrize("tamper", ["path", "target", "key", "stale"])
def test_a_tampered_or_stale_request_is_refused(db: Session, factory: Factory, tamper: str) -> None:
    me, them, other = _node("alliance"), _node("agency"), _node("elsewhere")
    org = factory.organisation("Agency", kind=OrganisationKind.LAW_ENFORCEMENT)
    peer = _peer(db, them)
    service.approve_peer(
        db,
        actor=factory.actor(factory.user(roles=("secretariat_admin",))),
        peer_id=peer.id,
        organisation_id=org.id,
    )
    path = "/api/v1/federation/lists/x/changes?since=0"
    if tamper == "path":
        good = _call(them, me, path=path)
        call = SignedCall(good.node_id, good.date, good.signature, "GET", path + "0", b"")
    elif tamper == "target":
        call = _call(them, other, path=path)
    elif tamper == "key":
        forged = _call(other, me, path=path)
        call = SignedCall(them.node_id, forged.date, forged.signature, "GET", path, b"")
    else:
        call = _call(them, me, path=path, date=(utcnow() - timedelta(minutes=10)).isoformat())
    with pytest.raises(NotAuthenticated):
        service.caller(db, me=me, call=call)


def test_a_key_file_is_never_overwritten(tmp_path: Path) -> None:
    key = tmp_path / "node.key"
    node_id = identity.generate_key_file(key)
    loaded = identity.load_identity(key, name="n", url="http://n.test/")
    assert loaded.node_id == node_id
    assert loaded.url == "http://n.test"
    with pytest.raises(FileExistsError):
        identity.generate_key_file(key)


def test_the_peers_page_approves_and_shows_status(
    client: TestClient, db: Session, factory: Factory
) -> None:
    admin = factory.user(roles=("secretariat_admin",))
    org = factory.organisation("Agency on the page", kind=OrganisationKind.LAW_ENFORCEMENT)
    peer = _peer(db, _node("agency-page"))
    web_login(client, admin)
    page = client.get("/peers")
    assert page.status_code == 200
    assert "agency-page" in page.text
    assert "pending" in page.text
    done = client.post(
        f"/peers/{peer.id}/approve",
        data={"organisation_id": org.id, "csrf_token": csrf_from(page.text)},
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert "Peer approved." in done.text
    db.refresh(peer)
    assert peer.status == "active"
    assert peer.organisation_id == org.id


def test_an_org_admin_decides_whether_sightings_go_back(
    client: TestClient, db: Session, factory: Factory
) -> None:
    alliance = factory.organisation("Alliance here", kind=OrganisationKind.INTERGOVERNMENTAL)
    agency = factory.organisation("Agency here", kind=OrganisationKind.LAW_ENFORCEMENT)
    admin = factory.user(agency, roles=("org_admin",), totp=True)
    analyst = factory.user(agency, roles=("analyst",), totp=True)
    peer = _peer(db, _node("alliance-node"), status="active")
    peer.organisation_id = alliance.id
    copy = HashList(
        name="Copy",
        owner_organisation_id=alliance.id,
        tlp="TLP:AMBER",
        audience_organisation_ids=[agency.id],
        audience_body_ids=[],
    )
    db.add(copy)
    db.flush()
    sub = Subscription(
        peer_id=peer.id,
        remote_list_id="r1",
        organisation_id=agency.id,
        local_list_id=copy.id,
        checkpoint=10,
        remote_head=25,
    )
    db.add(sub)
    db.flush()
    web_login(client, analyst)
    page = client.get("/peers")
    assert "Copy" in page.text
    assert "Send them" not in page.text  # an analyst sees, the org admin decides
    client.cookies.clear()
    web_login(client, admin)
    page = client.get("/peers")
    assert ">15<" in page.text  # the lag
    done = client.post(
        f"/peers/subscriptions/{sub.id}/sightings",
        data={"share": "true", "csrf_token": csrf_from(page.text)},
        follow_redirects=True,
    )
    assert "Sightings will be sent to the owner." in done.text
    db.refresh(sub)
    assert sub.share_sightings is True
