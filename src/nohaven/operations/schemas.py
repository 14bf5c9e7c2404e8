"""Pydantic schemas of the operations domain: what the API and the forms accept and return.

Every field is bounded; counts use `nohaven.kit.schemas.Count` within a sane ceiling."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from nohaven.auth.policy import Tlp
from nohaven.kit.i18n import N_
from nohaven.kit.schemas import Day, Moment
from nohaven.operations.models import ActivityKind, Phase, ReferralOutcome

MAX_SELECTORS = 20
# A figure no single agency reports for one action day; beyond it a typo is likelier.
MAX_FIGURE = 1_000_000
Figure = Annotated[int, Field(ge=0, le=MAX_FIGURE)]
Id = Annotated[str, Field(min_length=1, max_length=32)]


def _printable(value: str) -> str:
    cleaned = value.strip()
    if any(ord(c) < 32 and c not in "\n\r\t" for c in cleaned):
        raise ValueError(N_("control characters are not allowed"))
    return cleaned


def _line(value: str) -> str:
    cleaned = _printable(value)
    if "\n" in cleaned or "\r" in cleaned:
        raise ValueError(N_("one line only"))
    if not cleaned:
        raise ValueError(N_("required"))
    return cleaned


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            N_("an IANA time zone, such as Europe/London or Australia/Sydney")
        ) from exc
    return value.strip()


Line = Annotated[str, Field(max_length=200), AfterValidator(_line)]
CodeName = Annotated[str, Field(max_length=80), AfterValidator(_line)]
Text = Annotated[str, Field(max_length=20_000), AfterValidator(_printable)]
TimeZone = Annotated[str, Field(max_length=64), AfterValidator(_time_zone)]


class ActivityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body_id: Id
    kind: ActivityKind = ActivityKind.OPERATION
    code_name: CodeName
    title: Line
    summary: Text = ""
    tlp: Tlp = Tlp.RED
    starts_on: Day | None = None
    ends_on: Day | None = None
    code_name_visible: bool = False

    @model_validator(mode="after")
    def _dates(self) -> ActivityCreate:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError(N_("the end comes before the start"))
        return self


class ActivityUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Line | None = None
    summary: Text | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    status_note: Annotated[str, Field(max_length=300), AfterValidator(_printable)] | None = None
    code_name_visible: bool | None = None
    published: bool | None = None


class PhaseIn(BaseModel):
    phase: Phase


class InviteIn(BaseModel):
    organisation_id: Id


class AnswerIn(BaseModel):
    accept: bool


class ParticipantUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_zone: TimeZone = "UTC"
    contact: Annotated[str, Field(max_length=500), AfterValidator(_printable)] = ""


class ActionDayCreate(BaseModel):
    label: Line
    starts_at: Moment
    hours: Annotated[int, Field(ge=1, le=168)] = 24


class BriefingCreate(BaseModel):
    title: Line
    tlp: Tlp = Tlp.RED
    text: Annotated[str, Field(min_length=1, max_length=20_000), AfterValidator(_printable)]


class SelectorIn(BaseModel):
    type: Literal["email", "phone", "username", "ip", "url", "wallet", "hash"]
    value: Annotated[str, Field(min_length=1, max_length=2048)]
    platform: Annotated[str, Field(max_length=40)] | None = None


class SelectorsIn(BaseModel):
    selectors: Annotated[list[SelectorIn], Field(min_length=1, max_length=MAX_SELECTORS)]


class ReferralCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receiver_organisation_id: Id
    subject_kind: Literal["person", "account"] = "person"
    subject_name: Annotated[str, Field(max_length=200), AfterValidator(_printable)] = ""
    selectors: Annotated[list[SelectorIn], Field(max_length=MAX_SELECTORS)] = []
    summary: Annotated[str, Field(min_length=1, max_length=10_000), AfterValidator(_printable)]


class OutcomeIn(BaseModel):
    outcome: ReferralOutcome
    note: Annotated[str, Field(max_length=2000), AfterValidator(_printable)] = ""


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # An action day's id, or "follow_up".
    period: Id
    arrests: Figure = 0
    children_safeguarded: Figure = 0
    devices_seized: Figure = 0
    referrals_sent: Figure = 0
    referrals_received: Figure = 0


# --- answers ----------------------------------------------------------------------------------


class CodeNameRead(BaseModel):
    """All that a non-participant of the body sees, and only when the lead allows."""

    code_name: str
    body_id: str


class ParticipantRead(BaseModel):
    organisation_id: str
    organisation_name: str
    country: str | None
    status: str
    time_zone: str
    contact: str | None


class ActionDayRead(BaseModel):
    id: str
    label: str
    starts_at: datetime
    hours: int


class BriefingRead(BaseModel):
    id: str
    title: str
    tlp: str
    text: str | None
    author_organisation_id: str
    created_at: datetime


class ActivityRead(BaseModel):
    id: str
    body_id: str
    kind: str
    code_name: str
    title: str
    summary: str
    tlp: str
    phase: str
    starts_on: date | None
    ends_on: date | None
    status_note: str
    code_name_visible: bool
    published: bool
    lead_organisation_id: str
    participants: list[ParticipantRead]
    action_days: list[ActionDayRead]
    statement_id: str | None


class ActivitySummary(BaseModel):
    """A line of the programme: in full for readers, the code name alone for the rest."""

    id: str | None
    body_id: str
    code_name: str
    kind: str | None = None
    title: str | None = None
    phase: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    lead_organisation_id: str | None = None


class SelectorRead(BaseModel):
    type: str
    value: str
    platform: str | None = None


class PackageRead(BaseModel):
    subject_name: str
    selectors: list[SelectorRead]
    summary: str


class ReferralRead(BaseModel):
    id: str
    activity_id: str
    sender_organisation_id: str
    receiver_organisation_id: str
    subject_kind: str
    status: str
    overdue: bool
    deconfliction_matches: int | None
    sent_at: datetime
    acknowledge_by: datetime
    acknowledged_at: datetime | None
    outcome: str | None
    concluded_at: datetime | None
    escalated_at: datetime | None
    # Opened only for one referral's own reader (audited); None in lists and once purged.
    package: PackageRead | None = None
    outcome_note: str | None = None


class CheckRead(BaseModel):
    """Which other participants hold one of the selectors in deconfliction: names only."""

    checked: int
    holders: list[str]


class Figures(BaseModel):
    arrests: int = 0
    children_safeguarded: int = 0
    devices_seized: int = 0
    referrals_sent: int = 0
    referrals_received: int = 0


class ResultRead(Figures):
    organisation_id: str
    period: str
    reported_at: datetime


class CountryFigures(Figures):
    country: str


class ResultsRead(BaseModel):
    totals: Figures
    by_country: list[CountryFigures]
    reports: list[ResultRead]
    definitions: dict[str, str]


class StatementDraftRead(BaseModel):
    statement_id: str
    title: str
    text: str
