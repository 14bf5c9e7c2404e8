"""Pydantic shapes of a body's standing orders and its officers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from nohaven.governance.motions.models import Majority
from nohaven.kit.schemas import Day
from nohaven.members.models import MembershipRole


class StandingOrdersRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    body_id: str
    quorum_percent: int
    majority: str
    eligible_kinds: list[str]
    requires_alliance_membership: bool


class StandingOrdersUpdate(BaseModel):
    quorum_percent: int | None = Field(default=None, ge=0, le=100)
    majority: Majority | None = None
    eligible_kinds: list[str] | None = None
    requires_alliance_membership: bool | None = None


class HandOver(BaseModel):
    to_organisation_id: str
    role: MembershipRole = MembershipRole.CHAIR
    on: Day | None = None


class TermRead(BaseModel):
    organisation_id: str
    role: str
    start_date: Day
    end_date: Day | None
