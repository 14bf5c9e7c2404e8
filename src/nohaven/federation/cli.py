"""`nohaven peers …`: this node's identity, its peers and the lists it subscribes to.

Peering commands are the node operator's (run at the node's console, as the system);
subscribing names the analyst it is done for (`--as`), whose organisation subscribes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import httpx
import typer
from sqlalchemy.orm import Session

from nohaven.auth import users as accounts
from nohaven.auth.actor import Actor
from nohaven.config import Settings, settings_of
from nohaven.db import engine_for, make_sessionmaker, session_scope
from nohaven.errors import NohavenError
from nohaven.federation import identity, service, subscriptions, sync
from nohaven.federation import repository as repo
from nohaven.federation.models import Peer
from nohaven.federation.schemas import PeerRequestCreate, SubscriptionCreate
from nohaven.keys.ring import data_keyring
from nohaven.kit.terminal import AsJson, Terminal, show
from nohaven.members import service as members_service

peers_app = typer.Typer(
    help="Federation: this node's peers and subscriptions.", no_args_is_help=True
)
console = Terminal()
err = Terminal(stderr=True)
OPERATOR = Actor.system("node operator")


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(code)


def _http(settings: Settings) -> httpx.Client:
    return httpx.Client(timeout=settings.federation.timeout_seconds)


def _peer(session: Session, name_or_id: str) -> Peer:
    found = repo.peer_named(session, name_or_id)
    if found is None:
        raise _fail(f"no peer {name_or_id!r}")
    return found


def _organisation_id(session: Session, name_or_id: str) -> str:
    org = members_service.find_organisation(session, name_or_id=name_or_id)
    if org is None:
        raise _fail(f"no organisation {name_or_id!r}")
    return org.id


@peers_app.command("keygen")
def keygen(
    file: Annotated[Path, typer.Argument(help="where to write the key (mode 0600)")],
) -> None:
    """Make this node's Ed25519 identity key; peers pin its public half."""
    try:
        node_id = identity.generate_key_file(file)
    except FileExistsError as exc:
        raise _fail(f"{file} exists; a node key is never overwritten") from exc
    except OSError as exc:
        raise _fail(f"cannot write {file}: {exc.strerror}") from exc
    console.print(f"Node id {node_id}. Set NOHAVEN_FEDERATION_NODE_KEY_FILE={file}.")


@peers_app.command("identity")
def show_identity(ctx: typer.Context) -> None:
    """This node's id (its key's fingerprint): read it out to a peer's admin."""
    try:
        me = service.node_identity(settings_of(ctx))
    except NohavenError as exc:
        raise _fail(exc.detail) from exc
    console.print(f"{me.node_id}  {me.name}  {me.url}")


@peers_app.command("request")
def request(
    ctx: typer.Context,
    url: str,
    organisation: Annotated[str, typer.Option(help="who the peer is on this node")],
    expect: Annotated[
        str | None, typer.Option(help="the node id the peer's admin read out to you")
    ] = None,
) -> None:
    """Ask the node at URL to peer; its key is pinned here, and it approves on its side."""
    settings = settings_of(ctx)
    try:
        me = service.node_identity(settings)
        with session_scope(settings) as session, _http(settings) as http:
            data = PeerRequestCreate(
                url=url,
                organisation_id=_organisation_id(session, organisation),
                expect_node_id=expect,
            )
            peer = service.request_peering(session, actor=OPERATOR, me=me, http=http, data=data)
            console.print(f"Asked {peer.name} ({peer.node_id}); peer id {peer.id}.")
    except NohavenError as exc:
        raise _fail(exc.detail) from exc
    except ValueError as exc:
        raise _fail(str(exc)) from exc


@peers_app.command("approve")
def approve(
    ctx: typer.Context,
    peer: str,
    organisation: Annotated[str, typer.Option(help="who the peer is on this node")],
) -> None:
    """Approve a node's peering request: it then sees what that organisation may see."""
    try:
        with session_scope(settings_of(ctx)) as session:
            found = _peer(session, peer)
            service.approve_peer(
                session,
                actor=OPERATOR,
                peer_id=found.id,
                organisation_id=_organisation_id(session, organisation),
            )
            console.print(f"{found.name} ({found.node_id}) is an active peer.")
    except NohavenError as exc:
        raise _fail(exc.detail) from exc


@peers_app.command("refuse")
def refuse(ctx: typer.Context, peer: str) -> None:
    """Refuse a node's peering request."""
    try:
        with session_scope(settings_of(ctx)) as session:
            service.refuse_peer(session, actor=OPERATOR, peer_id=_peer(session, peer).id)
    except NohavenError as exc:
        raise _fail(exc.detail) from exc


@peers_app.command("suspend")
def suspend(ctx: typer.Context, peer: str) -> None:
    """Stop serving a peer and syncing from it (approve it again to resume)."""
    try:
        with session_scope(settings_of(ctx)) as session:
            service.suspend_peer(session, actor=OPERATOR, peer_id=_peer(session, peer).id)
    except NohavenError as exc:
        raise _fail(exc.detail) from exc


@peers_app.command("list")
def list_peers(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Peers, their status, last contact and last error; subscriptions with their lag."""
    with session_scope(settings_of(ctx)) as session:
        peers = [
            {
                "peer": p.name,
                "node id": p.node_id,
                "status": p.status,
                "last contact": p.last_contact_at,
                "error": p.last_error or "",
                "id": p.id,
            }
            for p in service.list_peers(session, actor=OPERATOR)
        ]
        names = {p["id"]: p["peer"] for p in peers}
        subs = [
            {
                "subscription": s.id,
                "peer": names.get(s.peer_id, s.peer_id),
                "list": s.remote_list_id,
                "status": s.status,
                "checkpoint": s.checkpoint,
                "lag": s.lag,
                "last sync": s.last_success_at,
            }
            for s in subscriptions.list_subscriptions(session, actor=OPERATOR)
        ]
    if as_json:
        typer.echo(json.dumps({"peers": peers, "subscriptions": subs}, default=str))
        return
    show(peers, columns=("peer", "node id", "status", "last contact", "error"), as_json=False)
    show(subs, columns=tuple(_SUBSCRIPTION_COLUMNS), as_json=False)


_SUBSCRIPTION_COLUMNS = ("subscription", "peer", "list", "status", "checkpoint", "lag", "last sync")


@peers_app.command("shared")
def shared(ctx: typer.Context, peer: str, as_json: AsJson = False) -> None:
    """The lists a peer shares with this node."""
    settings = settings_of(ctx)
    try:
        me = service.node_identity(settings)
        with session_scope(settings) as session, _http(settings) as http:
            found = _peer(session, peer)
            lists = subscriptions.shared_with_us(service.client_for(http, me, found))
            service.note_contact(found, error=None)
    except NohavenError as exc:
        raise _fail(exc.detail) from exc
    rows = [
        {"name": i["name"], "TLP": i["tlp"], "changes": i["change_seq"], "id": i["id"]}
        for i in lists
    ]
    show(rows, columns=("name", "TLP", "changes", "id"), as_json=as_json)


@peers_app.command("subscribe")
def subscribe(
    ctx: typer.Context,
    peer: str,
    remote_list: Annotated[str, typer.Argument(help="the list's id on the peer")],
    as_user: Annotated[str, typer.Option("--as", help="for this analyst's organisation")],
    share_sightings: Annotated[
        bool, typer.Option(help="send our sightings of this list back to its owner")
    ] = False,
) -> None:
    """Subscribe the organisation of --as to a list the peer shares; sync fetches it."""
    settings = settings_of(ctx)
    try:
        me = service.node_identity(settings)
        with session_scope(settings) as session, _http(settings) as http:
            actor = accounts.actor_for_email(session, email=as_user)
            if actor is None:
                raise _fail(f"no active user {as_user}")
            sub = subscriptions.subscribe(
                session,
                actor=actor,
                me=me,
                http=http,
                data=SubscriptionCreate(
                    peer_id=_peer(session, peer).id,
                    remote_list_id=remote_list,
                    share_sightings=share_sightings,
                ),
            )
            console.print(f"Subscribed: {sub.id} (local list {sub.local_list_id}).")
    except NohavenError as exc:
        raise _fail(exc.detail) from exc


@contextmanager
def _transactions(settings: Settings) -> Iterator[sync.SessionFactory]:
    engine = engine_for(settings)
    maker = make_sessionmaker(engine, keyring=data_keyring(settings))

    @contextmanager
    def one() -> Iterator[Session]:
        with maker() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    try:
        yield one
    finally:
        engine.dispose()


@peers_app.command("sync")
def sync_command(
    ctx: typer.Context,
    subscription: Annotated[
        list[str] | None, typer.Option(help="only these subscriptions (repeat)")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="print only the summary")] = False,
) -> None:
    """Bring every subscription to its owner's head, page by page (each page committed with
    its checkpoint), then report back. Safe to stop at any point and run again."""
    settings = settings_of(ctx)
    try:
        me = service.node_identity(settings)
    except NohavenError as exc:
        raise _fail(exc.detail) from exc

    def show(sub_id: str, outcome: sync.PageOutcome) -> None:
        if not quiet:
            state = "recalled" if outcome.recalled else (outcome.error or "ok")
            withheld = f", {outcome.withheld} withheld by the owner" if outcome.withheld else ""
            console.print(f"{sub_id}: {outcome.applied} changes{withheld} ({state})")

    with _transactions(settings) as open_session, _http(settings) as http:
        summary = sync.sync_all(
            open_session,
            me=me,
            http=http,
            page_size=settings.federation.page_size,
            subscription_ids=subscription or None,
            on_page=show,
        )
    console.print(
        f"{summary.pages} pages, {summary.applied} changes ({summary.withheld} withheld under "
        f"this country's export rules), {summary.recalled} recalled, "
        f"{summary.reported} reported back, {len(summary.errors)} errors"
    )
    if summary.errors:
        raise typer.Exit(1)


taxii_app = typer.Typer(
    help="TAXII 2.1 collections elsewhere as sources of lists.", no_args_is_help=True
)


@taxii_app.command("add-source")
def taxii_add_source(
    ctx: typer.Context,
    list_id: Annotated[str, typer.Argument(help="the list the collection feeds")],
    url: Annotated[str, typer.Argument(help="the collection's URL (…/collections/ID/)")],
    as_user: Annotated[str, typer.Option("--as", help="an analyst of the list's owner")],
    user: Annotated[str | None, typer.Option(help="the TAXII server's user name")] = None,
    password_env: Annotated[
        str | None, typer.Option(help="the environment variable holding its password")
    ] = None,
) -> None:
    """Make a TAXII collection the source of a list (its password is sealed at rest)."""
    import os

    from nohaven.federation.taxii import source as taxii_source
    from nohaven.keys.ring import data_keyring

    settings = settings_of(ctx)
    password = os.environ.get(password_env) if password_env else None
    try:
        with session_scope(settings) as session:
            actor = accounts.actor_for_email(session, email=as_user)
            if actor is None:
                raise _fail(f"no active user {as_user}")
            found = taxii_source.add_source(
                session,
                actor=actor,
                keys=data_keyring(settings),
                list_id=list_id,
                url=url,
                username=user,
                password=password,
            )
            console.print(f"TAXII source {found.id} feeds list {found.list_id}.")
    except NohavenError as exc:
        raise _fail(exc.detail) from exc


@taxii_app.command("pull")
def taxii_pull(ctx: typer.Context) -> None:
    """Read every TAXII source's new objects into its list."""
    from nohaven.federation.taxii import source as taxii_source
    from nohaven.keys.ring import data_keyring

    settings = settings_of(ctx)
    errors = 0
    with session_scope(settings) as session:
        for found in repo.taxii_sources(session):
            outcome = taxii_source.pull(session, source_id=found.id, keys=data_keyring(settings))
            errors += outcome.error is not None
            console.print(
                f"{found.id}: {outcome.added} added, {outcome.tombstoned} tombstoned, "
                f"{outcome.skipped} skipped" + (f" — {outcome.error}" if outcome.error else "")
            )
    if errors:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `nohaven` app."""
    app.add_typer(peers_app, name="peers")
    app.add_typer(taxii_app, name="taxii")
