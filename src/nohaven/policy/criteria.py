"""The criteria framework: shipped as a data file, loaded by a command or the demo loader, and
versioned — loading an edited file makes a new version; the highest version is in force."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from importlib import resources
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import InvalidInput, NotFound
from nohaven.kit.i18n import N_, gettext
from nohaven.policy.models import Criterion, Framework

DEFAULT_FILE = "criteria-v1.json"


class CriterionSpec(BaseModel):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{1,59}$")
    question: str = Field(min_length=5, max_length=1000)
    guidance: str = Field(min_length=5, max_length=5000)
    weight: int = Field(ge=1, le=10)
    core: bool


class FrameworkSpec(BaseModel):
    title: str = Field(min_length=3, max_length=300)
    note: str = ""
    criteria: list[CriterionSpec] = Field(min_length=1, max_length=100)

    @field_validator("criteria")
    @classmethod
    def _unique_keys(cls, value: list[CriterionSpec]) -> list[CriterionSpec]:
        keys = [c.key for c in value]
        if len(set(keys)) != len(keys):
            raise ValueError("criterion keys must be unique")
        return value


# Short names for the shipped framework's criteria, for tables and reports where the full
# question does not fit. A criterion of a framework loaded from elsewhere is named by its
# question instead (see ``name_of``).
NAMES = {
    "csam_legislation": N_("Legislation specific to child sexual abuse material"),
    "csam_definition": N_("Child sexual abuse material defined in law"),
    "technology_facilitated": N_("Offences by computer or the internet"),
    "simple_possession": N_("Possession an offence without intent to distribute"),
    "provider_reporting": N_("Mandatory reporting by service providers"),
    "grooming": N_("Online grooming an offence"),
    "sexual_extortion": N_("Sexual extortion of children an offence"),
    "live_streaming": N_("Live-streamed abuse covered"),
    "synthetic_material": N_("AI-generated and synthetic material covered"),
    "extraterritorial_jurisdiction": N_("Prosecution for offences abroad"),
    "extradition": N_("Offences extraditable"),
    "no_statute_of_limitations": N_("No or late-running limitation period"),
    "child_under_18": N_("A child is every person under 18"),
    "provider_preservation": N_("Preservation by service providers"),
    "data_retention": N_("Retention of traffic and subscriber data"),
    "travel_restrictions": N_("Travel of convicted offenders restricted"),
}


def name_of(criterion: Criterion) -> str:
    """The criterion's human name: its short name, or its question."""
    name = NAMES.get(criterion.key)
    return gettext(name) if name else criterion.question


def shipped_text(name: str = DEFAULT_FILE) -> str:
    return resources.files("nohaven.policy").joinpath("data", name).read_text("utf-8")


def parse(text: str) -> FrameworkSpec:
    try:
        raw: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"The criteria file is not valid JSON: {exc.msg} (line {exc.lineno})."
        ) from exc
    try:
        return FrameworkSpec.model_validate(raw)
    except ValidationError as exc:
        raise InvalidInput(
            "The criteria file is not valid.",
            errors=[
                {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                for e in exc.errors()
            ],
        ) from exc


def current(session: Session) -> Framework | None:
    return session.execute(
        select(Framework)
        .options(selectinload(Framework.criteria))
        .order_by(Framework.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def in_force(session: Session, at: datetime | None = None) -> Framework:
    """The framework version in force at ``at`` (the oldest if none was loaded yet then)."""
    query = select(Framework).options(selectinload(Framework.criteria))
    found = None
    if at is not None:
        found = session.execute(
            query.where(Framework.loaded_at <= at).order_by(Framework.version.desc()).limit(1)
        ).scalar_one_or_none()
        if found is None:
            found = session.execute(query.order_by(Framework.version).limit(1)).scalar_one_or_none()
    else:
        found = current(session)
    if found is None:
        raise NotFound("No criteria framework is loaded yet: run `nohaven policy load-criteria`.")
    return found


def get_framework(session: Session, *, actor: Actor, version: int | None = None) -> Framework:
    require(actor, Action.READ, Framework)
    if version is None:
        return in_force(session)
    found = session.execute(
        select(Framework)
        .options(selectinload(Framework.criteria))
        .where(Framework.version == version)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"No criteria framework version {version}.")
    return found


def list_frameworks(session: Session, *, actor: Actor) -> Sequence[Framework]:
    require(actor, Action.LIST, Framework)
    return session.execute(select(Framework).order_by(Framework.version.desc())).scalars().all()


def _same(framework: Framework, spec: FrameworkSpec) -> bool:
    have = [(c.key, c.question, c.guidance, c.weight, c.core) for c in framework.criteria]
    want = [(c.key, c.question, c.guidance, c.weight, c.core) for c in spec.criteria]
    return framework.title == spec.title and framework.note == spec.note and have == want


def load_framework(
    session: Session, *, actor: Actor, text: str, source: str = ""
) -> tuple[Framework, bool]:
    """Load a framework file; returns (framework in force, whether a new version was made).
    Loading the same content again changes nothing."""
    require(actor, Action.CREATE, Framework)
    spec = parse(text)
    latest = current(session)
    if latest is not None and _same(latest, spec):
        return latest, False
    framework = Framework(
        version=(latest.version + 1) if latest else 1,
        title=spec.title,
        note=spec.note,
        source=source[:300],
        loaded_by=actor.label,
    )
    session.add(framework)
    session.flush()
    for position, c in enumerate(spec.criteria, start=1):
        session.add(
            Criterion(
                framework_id=framework.id,
                key=c.key,
                position=position,
                question=c.question,
                guidance=c.guidance,
                weight=c.weight,
                core=c.core,
            )
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="policy.framework.load",
        resource_type="policy_framework",
        resource_id=framework.id,
        summary={
            "version": framework.version,
            "criteria": len(spec.criteria),
            "core": sum(c.core for c in spec.criteria),
        },
    )
    session.expire(framework, ["criteria"])
    return in_force(session), True


def export_text(framework: Framework) -> str:
    """The framework as a loadable file, for the secretariat to edit into a new version."""
    return json.dumps(
        {
            "version": framework.version,
            "title": framework.title,
            "note": framework.note,
            "criteria": [
                {
                    "key": c.key,
                    "core": c.core,
                    "weight": c.weight,
                    "question": c.question,
                    "guidance": c.guidance,
                }
                for c in framework.criteria
            ],
        },
        indent=2,
        ensure_ascii=False,
    )
