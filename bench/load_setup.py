"""Set-up data for bench/load.py: a fresh database with an alliance at work.

One alliance body; ``orgs`` government members, each with one user (org admin, analyst and
delegate) and an API token; hash lists shared with the body, filled through the importer with
random hashes (the hash of nothing at all) that carry a classification, so partners can vote on
them; an empty list that receives the big import during the run; open motions. Every hash is
random, generated from a seed.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url

PASSWORD = "bench password, not a secret"  # noqa: S105 - a throwaway database


@dataclass
class World:
    """What the clients need to know about the set-up data."""

    tokens: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    list_ids: list[str] = field(default_factory=list)
    import_list_id: str = ""
    entry_ids: list[str] = field(default_factory=list)
    entry_owner: list[int] = field(default_factory=list)  # index of the owning user
    pdq_values: list[str] = field(default_factory=list)
    md5_values: list[str] = field(default_factory=list)
    motion_ids: list[str] = field(default_factory=list)
    entries: int = 0


def bench_env(database_url: str, port: int = 0) -> dict[str, str]:
    """Environment for the CLI and servers (fresh secrets: `serve` refuses the defaults)."""
    env = dict(os.environ)
    env["NOHAVEN_DATABASE_URL"] = database_url
    env["NOHAVEN_SECRET_KEY"] = "bench-" + secrets.token_urlsafe(32)
    env["NOHAVEN_DATA_KEY"] = base64.b64encode(secrets.token_bytes(32)).decode()
    # The load client talks plain HTTP to 127.0.0.1: without this its session cookies would
    # be Secure and never sent back.
    env["NOHAVEN_PLAIN_HTTP_ON_LOOPBACK"] = "true"
    if port:
        env["NOHAVEN_PORT"] = str(port)
    return env


# --- databases: one set-up, then a fresh copy per run ------------------------------------------


def _pg_admin(url: str) -> psycopg.Connection[tuple[object, ...]]:
    parsed = make_url(url).set(database="postgres", drivername="postgresql")
    dsn = parsed.render_as_string(hide_password=False)
    return psycopg.connect(dsn, autocommit=True)


def create_database(template_url: str, name: str, *, template: str | None = None) -> str:
    """A new database beside ``template_url`` (PostgreSQL: a copy of ``template``; SQLite: a
    copy of the file), returned as a URL."""
    url = make_url(template_url)
    if url.get_backend_name() == "sqlite":
        target = Path(url.database or "").with_name(f"{name}.db")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        if template:
            shutil.copyfile(url.database or "", target)
        return f"sqlite:///{target}"
    with _pg_admin(template_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.database}{suffix}").unlink(missing_ok=True)
        return
    with contextlib.suppress(psycopg.Error), _pg_admin(database_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


# --- data ------------------------------------------------------------------------------------


def vics_records(count: int, seed: int, *, hashes: tuple[str, ...]) -> Iterator[object]:
    from nohaven.hashes.vics import MediaRecord

    rng = np.random.default_rng(seed)
    block = 10_000
    for start in range(0, count, block):
        n = min(block, count - start)
        raw = rng.integers(0, 256, size=(n, 32 + 16 + 32), dtype=np.uint8)
        categories = rng.integers(1, 4, size=n).tolist()
        for i in range(n):
            row = raw[i].tobytes()
            yield MediaRecord(
                pdq=row[:32].hex() if "pdq" in hashes else None,
                md5=row[32:48].hex() if "md5" in hashes else None,
                sha256=row[48:].hex() if "sha256" in hashes else None,
                category=categories[i],
                series=f"bench series {(start + i) // 50}",
            )


def write_vics_file(path: Path, count: int, seed: int, hashes: tuple[str, ...]) -> Path:
    from nohaven.hashes.vics import write_vics

    with path.open("w", encoding="utf-8") as out:
        write_vics(vics_records(count, seed, hashes=hashes), out)  # type: ignore[arg-type]
    return path


def populate(
    database_url: str,
    env: dict[str, str],
    *,
    orgs: int,
    lists: int,
    records_per_list: int,
    motions: int,
    workdir: Path,
) -> World:
    """Migrate a fresh database and fill it; returns what the clients use."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("NOHAVEN_")})
    from nohaven.config import get_settings

    get_settings.cache_clear()
    settings = get_settings()

    from nohaven import migrate
    from nohaven.auth import passwords
    from nohaven.auth import service as auth_service
    from nohaven.auth.actor import Actor
    from nohaven.auth.policy import Tlp
    from nohaven.db import create_db_engine, make_sessionmaker, session_scope
    from nohaven.governance.models import Majority, StandingOrders
    from nohaven.governance.motions import service as motions_service
    from nohaven.hashes import exchange
    from nohaven.hashes import service as hashes_service
    from nohaven.hashes.models import HashEntry
    from nohaven.hashes.schemas import HashListCreate
    from nohaven.keys.ring import data_keyring
    from nohaven.kit.clock import utcnow
    from nohaven.members.models import (
        Body,
        BodyKind,
        Membership,
        MembershipRole,
        Organisation,
        User,
    )

    migrate.upgrade(database_url)
    world = World()
    system = Actor.system("bench set-up")
    with session_scope(settings) as session:
        body = Body(name="Bench alliance", slug="bench", kind=BodyKind.ALLIANCE)
        session.add(body)
        session.flush()
        session.add(
            StandingOrders(
                body_id=body.id,
                quorum_percent=50,
                majority=Majority.SIMPLE,
                eligible_kinds=["government"],
                requires_alliance_membership=False,
            )
        )
        password_hash = passwords.hash_password(PASSWORD, settings=settings)
        users = []
        for i in range(orgs):
            org = Organisation(
                name=f"Bench agency {i}", short_name=f"BA{i}", kind="government", country="GB"
            )
            session.add(org)
            session.flush()
            session.add(
                Membership(
                    body_id=body.id,
                    organisation_id=org.id,
                    role=MembershipRole.MEMBER,
                    start_date=date(2020, 1, 1),
                )
            )
            user = User(
                email=f"bench{i}@example.org",
                display_name=f"Bench user {i}",
                organisation_id=org.id,
                roles=["org_admin", "analyst", "delegate"],
                password_hash=password_hash,
            )
            session.add(user)
            users.append(user)
        session.flush()
        for user in users:
            session.refresh(user, ["organisation"])
            actor = auth_service.actor_for(session, user)
            issued = auth_service.create_api_token(
                session,
                actor=actor,
                name="bench",
                scopes=["read", "write"],
                days=30,
                max_days=settings.api_token_max_days,
            )
            world.tokens.append(issued.secret)
            world.emails.append(user.email)
        for i in range(lists + 1):
            created = hashes_service.create_list(
                session,
                actor=system,
                data=HashListCreate(
                    name=f"Bench list {i}" if i < lists else "Bench import target",
                    tlp=Tlp.AMBER,
                    audience_body_ids=[body.id],
                ),
                owner_organisation_id=users[i % orgs].organisation_id,
            )
            if i == lists:
                world.import_list_id = created.id
            else:
                world.list_ids.append(created.id)
        now = utcnow()
        for i in range(motions):
            motion = motions_service.create_motion(
                session,
                actor=system,
                body_id=body.id,
                title=f"Bench motion {i}",
                text="A motion to vote on during the load benchmark.",
                closes_at=now + timedelta(days=7),
            )
            world.motion_ids.append(motion.id)
    # fill each list through the importer, as its owner would
    engine = create_db_engine(database_url)
    try:
        for i, list_id in enumerate(world.list_ids):
            path = write_vics_file(
                workdir / f"setup-{i}.json", records_per_list, 1000 + i, ("pdq", "md5")
            )
            with session_scope(settings) as session:
                owner = session.scalar(select(User).where(User.email == world.emails[i % orgs]))
                assert owner is not None
                session.refresh(owner, ["organisation"])
                actor = auth_service.actor_for(session, owner)
            with path.open("rb") as source:
                # the importer commits by itself, in short transactions of its own
                report = exchange.import_file(
                    make_sessionmaker(engine, keyring=data_keyring(get_settings())),
                    actor=actor,
                    list_id=list_id,
                    fmt="vics",
                    source=source,
                )
            assert report.committed, report.rejected[:3]
            path.unlink()
    finally:
        engine.dispose()
    with session_scope(settings) as session:
        owner_of = {lid: i % orgs for i, lid in enumerate(world.list_ids)}
        for kind in ("pdq", "md5"):
            # hash values are random: ordering by them samples every list
            rows = session.execute(
                select(HashEntry.id, HashEntry.value, HashEntry.list_id)
                .where(HashEntry.signal_type == kind)
                .order_by(HashEntry.value)
                .limit(10_000)
            ).all()
            for entry_id, value, list_id in rows:
                world.entry_ids.append(entry_id)
                world.entry_owner.append(owner_of[list_id])
                (world.pdq_values if kind == "pdq" else world.md5_values).append(value)
        assert world.pdq_values, "the set-up lists hold no PDQ hashes"
        assert world.md5_values, "the set-up lists hold no MD5 hashes"
        world.entries = len(world.list_ids) * records_per_list * 2
    get_settings.cache_clear()
    return world
