"""Managing the TAXII sources of lists from the page: who may see and change a source is
who may change its list (its owner's analysts); every change is audited on the list, and a
source's password is never shown again once sealed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can
from nohaven.errors import Forbidden, InvalidInput, NotFound
from nohaven.federation.models import TaxiiSource
from nohaven.federation.taxii.source import _PASSWORD
from nohaven.hashes import service as hashes_service
from nohaven.hashes.models import HashList
from nohaven.kit import crypto
from nohaven.kit.clock import utcnow


def sources_of(session: Session, *, actor: Actor) -> Sequence[tuple[TaxiiSource, HashList]]:
    """The sources feeding lists the actor may change, with their lists."""
    rows = session.execute(
        select(TaxiiSource, HashList)
        .join(HashList, HashList.id == TaxiiSource.list_id)
        .order_by(HashList.name, TaxiiSource.created_at)
    ).all()
    return [(s, h) for s, h in rows if can(actor, Action.UPDATE, h)]


def get_source(session: Session, *, actor: Actor, source_id: str) -> TaxiiSource:
    """A source the actor may change; any other answers as if it did not exist."""
    source = session.get(TaxiiSource, source_id)
    if source is None:
        raise NotFound("No such TAXII source.")
    try:
        hashes_service.get_list(session, actor=actor, list_id=source.list_id, action=Action.UPDATE)
    except (Forbidden, NotFound) as exc:  # its list may be visible; its sources are not
        raise NotFound("No such TAXII source.") from exc
    return source


def _url(url: str) -> str:
    url = url.strip()
    if not url.startswith(("https://", "http://")) or len(url) > 500:
        raise InvalidInput("A collection's address is an http(s) URL.")
    return url if url.endswith("/") else url + "/"


def update_source(
    session: Session,
    *,
    actor: Actor,
    keys: crypto.Keyring,
    source_id: str,
    url: str,
    username: str | None,
    password: str | None,
) -> TaxiiSource:
    """A new address or account; an empty password keeps the sealed one. A new address
    starts reading the collection from its beginning."""
    source = get_source(session, actor=actor, source_id=source_id)
    new_url = _url(url)
    if new_url != source.collection_url:
        source.collection_url = new_url
        source.added_after = None
    source.username = (username or "").strip()[:200] or None
    if password:
        source.password_sealed = crypto.seal(keys, password, context=_PASSWORD.context(source.id))
    hash_list = session.get(HashList, source.list_id)
    assert hash_list is not None  # noqa: S101 - checked by get_source
    hashes_service.record_audit(
        session,
        actor,
        "taxii_source_update",
        hash_list,
        source=source.id,
        url=source.collection_url,
        password_changed=bool(password),
    )
    return source


def set_paused(session: Session, *, actor: Actor, source_id: str, paused: bool) -> TaxiiSource:
    source = get_source(session, actor=actor, source_id=source_id)
    source.paused_at = utcnow() if paused else None
    hash_list = session.get(HashList, source.list_id)
    assert hash_list is not None  # noqa: S101 - checked by get_source
    action = "taxii_source_pause" if paused else "taxii_source_resume"
    hashes_service.record_audit(session, actor, action, hash_list, source=source.id)
    return source
