"""Pydantic schemas of the travel domain."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.schemas import Day, Moment
from nohaven.members.schemas import normalise_country
from nohaven.travel.models import ComplaintSource, ResponseKind, RiskTier

MAX_LEGS = 6
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
_FLIGHT = re.compile(r"^[A-Z0-9]{2,3}\s?\d{1,5}[A-Z]?$")


def _country(value: str) -> str:
    found = normalise_country(value)
    if found is None:
        raise ValueError(N_("a country is required"))
    return found


def _passport(value: str) -> str:
    cleaned = re.sub(r"[\s-]", "", value).upper()
    if not _PASSPORT.match(cleaned):
        raise ValueError(N_("a passport number is 5 to 20 letters and digits"))
    return cleaned


def _flight(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    cleaned = value.strip().upper()
    if not _FLIGHT.match(cleaned):
        raise ValueError(N_("a flight number looks like 'BA15' or 'QF 2'"))
    return cleaned.replace(" ", "")


def _text(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if any(ord(c) < 32 for c in value):
        raise ValueError(N_("control characters are not allowed"))
    return value.strip()


class Subject(BaseModel):
    """The minimum: nothing beyond what identifies the person at a border."""

    name: str = Field(min_length=2, max_length=200)
    date_of_birth: Day
    nationality: str
    passport_number: str

    _nationality = field_validator("nationality")(_country)
    _passport_number = field_validator("passport_number")(_passport)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        cleaned = " ".join(value.split())
        if len(cleaned) < 2:
            raise ValueError(N_("the name is required"))
        return cleaned

    @field_validator("date_of_birth")
    @classmethod
    def _born(cls, value: date) -> date:
        if value < date(1900, 1, 1) or value > utcnow().date():
            raise ValueError(N_("the date of birth is not plausible"))
        return value


class LegIn(BaseModel):
    destination_country: str
    departs_at: Moment = Field(description="departure towards this destination, UTC")
    leaves_on: Day | None = Field(default=None, description="when the subject leaves it")
    carrier: str | None = Field(default=None, max_length=100)
    flight_number: str | None = Field(default=None, max_length=20)

    _destination = field_validator("destination_country")(_country)
    _flight_number = field_validator("flight_number")(_flight)
    _carrier = field_validator("carrier")(_text)

    @model_validator(mode="after")
    def _dates(self) -> LegIn:
        if self.leaves_on is not None and self.leaves_on < self.departs_at.date():
            raise ValueError(N_("the subject cannot leave a destination before arriving"))
        return self


class NotificationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: Subject
    conviction_summary: str = Field(min_length=3, max_length=2000)
    risk_tier: RiskTier
    legs: list[LegIn] = Field(min_length=1, max_length=MAX_LEGS)
    tlp: Literal["TLP:RED", "TLP:AMBER+STRICT"] = "TLP:RED"

    @field_validator("legs")
    @classmethod
    def _ordered(cls, legs: list[LegIn]) -> list[LegIn]:
        return sorted(legs, key=lambda leg: leg.departs_at)


class SubjectAmend(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    date_of_birth: Day | None = None
    nationality: str | None = None
    passport_number: str | None = None

    @field_validator("nationality")
    @classmethod
    def _nationality(cls, value: str | None) -> str | None:
        return None if value is None else _country(value)

    @field_validator("passport_number")
    @classmethod
    def _passport_number(cls, value: str | None) -> str | None:
        return None if value is None else _passport(value)


class LegAmend(BaseModel):
    """A change to the leg at the same position; destinations cannot change (withdraw and
    send a new notification instead: the receivers would differ)."""

    departs_at: Moment | None = None
    leaves_on: Day | None = None
    carrier: str | None = Field(default=None, max_length=100)
    flight_number: str | None = Field(default=None, max_length=20)

    _flight_number = field_validator("flight_number")(_flight)
    _carrier = field_validator("carrier")(_text)


class NotificationAmend(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=1000)
    subject: SubjectAmend | None = None
    conviction_summary: str | None = Field(default=None, min_length=3, max_length=2000)
    risk_tier: RiskTier | None = None
    legs: list[LegAmend] | None = Field(default=None, max_length=MAX_LEGS)


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=3, max_length=1000)


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    response: ResponseKind
    note: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _other_needs_note(self) -> ResponseIn:
        if self.response == ResponseKind.OTHER and not self.note.strip():
            raise ValueError(N_("describe the response when choosing 'other'"))
        return self


class ComplaintIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: ComplaintSource
    grounds: str = Field(min_length=3, max_length=2000)


class ComplaintResolution(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["upheld", "rejected"]
    reasons: str = Field(min_length=3, max_length=2000)


class PointOfContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisation_id: str = Field(min_length=1, max_length=32)


# --- reads ---------------------------------------------------------------------------------


class PointOfContactRead(BaseModel):
    country: str
    organisation_id: str
    organisation_name: str


class LegRead(BaseModel):
    position: int
    destination_country: str
    departs_on: date
    # The sealed details: None once purged.
    departs_at: datetime | None
    leaves_on: Day | None
    carrier: str | None
    flight_number: str | None


class SubjectRead(BaseModel):
    name: str
    date_of_birth: Day
    nationality: str
    passport_number: str


class RecipientRead(BaseModel):
    organisation_id: str
    organisation_name: str
    countries: list[str]
    acknowledged_at: datetime | None
    acknowledged_version: int | None
    response: str | None
    response_note: str | None
    responded_at: datetime | None
    escalated_at: datetime | None
    overdue: bool


class AmendmentRead(BaseModel):
    version: int
    amended_at: datetime
    changed_fields: list[str]
    changes: dict[str, list[str | None]] | None
    reason: str | None


class ComplaintRead(BaseModel):
    id: str
    organisation_id: str
    source: str
    grounds: str | None
    status: str
    resolution: str | None
    lodged_at: datetime
    resolved_at: datetime | None


class ReadReceiptRead(BaseModel):
    organisation_id: str | None
    organisation_name: str | None
    user_id: str | None
    reader: str
    version: int
    read_at: datetime


class NotificationSummary(BaseModel):
    id: str
    sender_organisation_id: str
    sender_organisation_name: str
    direction: Literal["sent", "received"]
    status: str
    version: int
    tlp: str
    risk_tier: str
    channel: str
    destinations: list[str]
    departs_on: date = Field(description="the first departure's date, UTC")
    travel_ends_on: date
    is_late: bool
    sent_at: datetime
    overdue_receivers: int | None = Field(
        default=None, description="receivers past their acknowledgement time (sender only)"
    )


class NotificationRead(NotificationSummary):
    subject: SubjectRead | None
    conviction_summary: str | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    purged_at: datetime | None
    legs: list[LegRead]
    recipients: list[RecipientRead]
    amendments: list[AmendmentRead]
    complaints: list[ComplaintRead]
    read_receipts: list[ReadReceiptRead] | None = Field(
        default=None, description="who read it: shown to the sending organisation only"
    )
    warnings: list[str] = Field(default_factory=list)
