"""Queries of the federation domain; never commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session, joinedload

from nohaven.federation.models import (
    Peer,
    PeerStatus,
    Subscription,
    SubscriptionStatus,
    TaxiiSource,
)
from nohaven.hashes.models import HashEntry, MatchFeedback, Sighting, TrustVote
from nohaven.members.models import User


def peers(session: Session) -> Sequence[Peer]:
    return session.execute(select(Peer).order_by(Peer.name)).scalars().all()


def peer_by_node(session: Session, node_id: str) -> Peer | None:
    return session.execute(select(Peer).where(Peer.node_id == node_id)).scalar_one_or_none()


def node_user(session: Session, user_id: str) -> User | None:
    return session.get(User, user_id, options=[joinedload(User.organisation)])


def subscriptions(
    session: Session, *, organisation_id: str | None = None, peer_id: str | None = None
) -> Sequence[Subscription]:
    query = select(Subscription).order_by(Subscription.created_at)
    if organisation_id is not None:
        query = query.where(Subscription.organisation_id == organisation_id)
    if peer_id is not None:
        query = query.where(Subscription.peer_id == peer_id)
    return session.execute(query).scalars().all()


def due_subscriptions(session: Session) -> Sequence[tuple[Subscription, Peer]]:
    """Active subscriptions of active peers, the longest unsynced first."""
    rows = session.execute(
        select(Subscription, Peer)
        .join(Peer, Peer.id == Subscription.peer_id)
        .where(
            Subscription.status == SubscriptionStatus.ACTIVE,
            Peer.status.in_([PeerStatus.ACTIVE, PeerStatus.REQUESTED]),
        )
        .order_by(Subscription.last_sync_at.is_(None).desc(), Subscription.last_sync_at)
    ).all()
    return [(s, p) for s, p in rows]


def subscription_for(session: Session, peer_id: str, remote_list_id: str) -> Subscription | None:
    return session.execute(
        select(Subscription).where(
            Subscription.peer_id == peer_id, Subscription.remote_list_id == remote_list_id
        )
    ).scalar_one_or_none()


def lock_subscription(session: Session, subscription_id: str) -> Subscription | None:
    """The subscription under a row lock (PostgreSQL; SQLite's writer lock does the same), so
    two runners never apply the same page twice at once."""
    return session.execute(
        select(Subscription)
        .where(Subscription.id == subscription_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def entries_in(session: Session, ids: Collection[str]) -> dict[str, tuple[str, str]]:
    """Existing entries among ``ids``: id -> (list id, signal type)."""
    if not ids:
        return {}
    if session.connection().dialect.name == "postgresql":
        # one array parameter: thousands of ids without compiling thousands of placeholders
        query = text("SELECT id, list_id, signal_type FROM hash_entries WHERE id = ANY(:ids)")
        rows = session.execute(query, {"ids": list(ids)}).all()
    else:
        rows = session.execute(
            select(HashEntry.id, HashEntry.list_id, HashEntry.signal_type).where(
                HashEntry.id.in_(ids)
            )
        ).all()
    return {r[0]: (r[1], r[2]) for r in rows}


def live_entry_ids(session: Session, list_id: str) -> Sequence[str]:
    return (
        session.execute(
            select(HashEntry.id).where(
                HashEntry.list_id == list_id, HashEntry.tombstoned_at.is_(None)
            )
        )
        .scalars()
        .all()
    )


def tombstone_entries(
    session: Session, ids: Sequence[str], *, first_seq: int, at: datetime, reason: str
) -> None:
    rows = [
        {
            "id": i,
            "tombstoned_at": at,
            "tombstone_reason": reason,
            "seq": first_seq + n,
            "updated_at": at,
        }
        for n, i in enumerate(ids)
    ]
    if rows:
        session.execute(update(HashEntry), rows)


def sightings_since(
    session: Session, list_id: str, since: datetime | None, limit: int
) -> Sequence[Sighting]:
    query = select(Sighting).where(Sighting.list_id == list_id)
    if since is not None:
        query = query.where(Sighting.at >= since)
    return session.execute(query.order_by(Sighting.at, Sighting.id).limit(limit)).scalars().all()


def feedback_since(
    session: Session, list_id: str, since: datetime | None
) -> Sequence[MatchFeedback]:
    query = (
        select(MatchFeedback)
        .join(HashEntry, HashEntry.id == MatchFeedback.entry_id)
        .where(HashEntry.list_id == list_id)
    )
    if since is not None:
        query = query.where(MatchFeedback.created_at >= since)
    return session.execute(query.order_by(MatchFeedback.created_at)).scalars().all()


def votes_since(session: Session, list_id: str, since: datetime | None) -> Sequence[TrustVote]:
    query = (
        select(TrustVote)
        .join(HashEntry, HashEntry.id == TrustVote.entry_id)
        .where(HashEntry.list_id == list_id)
    )
    if since is not None:
        query = query.where(TrustVote.created_at >= since)
    return session.execute(query.order_by(TrustVote.created_at)).scalars().all()


def existing_sighting_ids(session: Session, ids: Collection[str]) -> set[str]:
    if not ids:
        return set()
    return set(session.execute(select(Sighting.id).where(Sighting.id.in_(ids))).scalars())


def copy_list_ids(session: Session) -> set[str]:
    """The local copies of peers' lists: never served on to another peer (their owner
    decides who gets them, not us)."""
    return set(session.execute(select(Subscription.local_list_id)).scalars())


def peer_named(session: Session, name_or_id: str) -> Peer | None:
    return (
        session.execute(
            select(Peer).where(
                (Peer.id == name_or_id) | (Peer.name == name_or_id) | (Peer.node_id == name_or_id)
            )
        )
        .scalars()
        .first()
    )


def taxii_sources(session: Session) -> Sequence[TaxiiSource]:
    """The sources to pull: every one not paused by its list's owner."""
    return (
        session.execute(
            select(TaxiiSource)
            .where(TaxiiSource.paused_at.is_(None))
            .order_by(TaxiiSource.created_at)
        )
        .scalars()
        .all()
    )


# What a page changes in an entry of a copy, and what a new entry adds to that.
CHANGED_COLUMNS = (
    "id",
    "signal_type",
    "value",
    "pdq_quality",
    "classification_scheme",
    "classification",
    "classified_at",
    "series",
    "victim_identified",
    "offender_identified",
    "trusted",
    "seq",
    "updated_at",
    "tombstoned_at",
    "tombstone_reason",
    "source",
)
NEW_COLUMNS = (*CHANGED_COLUMNS, "list_id", "created_seq", "created_at", "comment")
# The statements are built from the fixed column names above, never from input.
_CHANGED = ", ".join(CHANGED_COLUMNS)
_COPY_NEW = f"COPY hash_entries ({', '.join(NEW_COLUMNS)}) FROM STDIN"
_SCRATCH = (
    "CREATE TEMP TABLE IF NOT EXISTS federation_changed_entries ON COMMIT DELETE ROWS"  # noqa: S608
    f" AS SELECT {_CHANGED} FROM hash_entries WITH NO DATA"
)
_COPY_CHANGED = f"COPY federation_changed_entries ({_CHANGED}) FROM STDIN"
_UPDATE_FROM_SCRATCH = (
    "UPDATE hash_entries AS h SET "  # noqa: S608
    + ", ".join(f"{c} = c.{c}" for c in CHANGED_COLUMNS[1:])
    + " FROM federation_changed_entries AS c WHERE h.id = c.id"
)


def insert_entries(session: Session, rows: Sequence[tuple[Any, ...]]) -> None:
    """New entries of a copy (rows of ``NEW_COLUMNS``), thousands at a time: PostgreSQL takes
    them with COPY, several times faster than many-row INSERTs for a first sync."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(HashEntry), [dict(zip(NEW_COLUMNS, r, strict=True)) for r in rows])
        return
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(_COPY_NEW) as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row(row)


def update_entries(session: Session, rows: Sequence[tuple[Any, ...]]) -> None:
    """Entries of a copy changed by the owner (rows of ``CHANGED_COLUMNS``). On PostgreSQL
    they go by COPY into a scratch table and then one UPDATE joins it: one statement instead
    of one per entry."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(
            update(HashEntry), [dict(zip(CHANGED_COLUMNS, r, strict=True)) for r in rows]
        )
        return
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute(_SCRATCH)
        cursor.execute("DELETE FROM federation_changed_entries")  # an earlier page's, if any
        with cursor.copy(_COPY_CHANGED) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(_UPDATE_FROM_SCRATCH)
