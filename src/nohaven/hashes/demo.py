"""Demo data of the hashes domain (idempotent: loading twice changes nothing).

Every hash here is random, generated from a fixed seed: it is the hash of nothing at all."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Tlp
from nohaven.hashes import service
from nohaven.hashes.models import HashList
from nohaven.hashes.schemas import EntryCreate, HashListCreate
from nohaven.members import service as members_service
from nohaven.members.models import Organisation

NCA_LIST = "NCA known material (synthetic demo)"
AFP_LIST = "AFP operation series (synthetic demo)"
_SCHEMES = (("uk", "A"), ("uk", "B"), ("uk", "C"), ("vics_us", "1"), ("ncmec", "A1"), (None, None))


def _org(session: Session, short: str) -> Organisation | None:
    return session.execute(
        select(Organisation).where(Organisation.short_name == short)
    ).scalar_one_or_none()


def _entries(rng: random.Random, count: int, series: str) -> list[EntryCreate]:
    entries = []
    for i in range(count):
        scheme, code = _SCHEMES[i % len(_SCHEMES)]
        kind = ("pdq", "md5", "sha256")[i % 3]
        value = {"pdq": 64, "md5": 32, "sha256": 64}[kind]
        entries.append(
            EntryCreate.model_validate(
                {
                    "signal_type": kind,
                    "value": f"{rng.getrandbits(value * 4):0{value}x}",
                    "pdq_quality": 70 + rng.randrange(31) if kind == "pdq" else None,
                    "classification_scheme": scheme,
                    "classification": code,
                    "series": f"{series} {1 + i // 10}",
                    "victim_identified": i % 7 == 0,
                    "source": "synthetic demo data",
                }
            )
        )
    return entries


def _list(
    session: Session,
    actor: Actor,
    owner: Organisation,
    name: str,
    data: HashListCreate,
    entries: list[EntryCreate],
) -> None:
    exists = session.execute(
        select(HashList.id).where(HashList.owner_organisation_id == owner.id, HashList.name == name)
    ).first()
    if exists:
        return
    created = service.create_list(session, actor=actor, data=data, owner_organisation_id=owner.id)
    for entry in entries:
        service.add_entry(session, actor=actor, list_id=created.id, data=entry)


def load(session: Session) -> None:
    """NCA's list goes to the VGT at TLP:AMBER (its voting member agencies, not its NGO and
    industry affiliates); AFP's list goes to NCA and US HSI only, at TLP:RED."""
    actor = Actor.system("demo loader")
    nca, afp, hsi = _org(session, "NCA"), _org(session, "AFP"), _org(session, "US HSI")
    vgt = members_service.body_by_slug(session, slug="vgt")
    if nca is None or afp is None or hsi is None or vgt is None:
        return
    _list(
        session,
        actor,
        nca,
        NCA_LIST,
        HashListCreate(
            name=NCA_LIST,
            description="Synthetic hashes for demonstration; none is the hash of any file.",
            tlp=Tlp.AMBER,
            audience_body_ids=[vgt.id],
        ),
        _entries(random.Random(20261123), 30, "NCA series"),  # noqa: S311 - reproducible demo data
    )
    _list(
        session,
        actor,
        afp,
        AFP_LIST,
        HashListCreate(
            name=AFP_LIST,
            description="Synthetic hashes for demonstration; none is the hash of any file.",
            tlp=Tlp.RED,
            audience_organisation_ids=[nca.id, hsi.id],
            trust_threshold=2,
        ),
        _entries(random.Random(61), 12, "AFP series"),  # noqa: S311 - reproducible demo data
    )
