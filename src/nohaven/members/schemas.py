"""Pydantic schemas of the members domain."""

from __future__ import annotations

from datetime import datetime

import pycountry
from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from nohaven.kit.schemas import Day, Instant
from nohaven.members.models import BodyKind, MembershipRole, OrganisationKind, UserRole


def normalise_country(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 from an alpha-2, alpha-3 or a country name; None stays None."""
    if value is None or value.strip() == "":
        return None
    raw = value.strip()
    found = pycountry.countries.get(alpha_2=raw.upper()) if len(raw) == 2 else None
    if found is None and len(raw) == 3:
        found = pycountry.countries.get(alpha_3=raw.upper())
    if found is None:
        try:
            found = pycountry.countries.lookup(raw)
        except LookupError:
            found = None
    if found is None:
        raise ValueError(f"{value!r} is not an ISO 3166 country")
    return str(found.alpha_2)


class OrganisationCreate(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    short_name: str | None = Field(default=None, max_length=40)
    kind: OrganisationKind
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 or alpha-3")
    parent_id: str | None = None
    website: str | None = Field(default=None, max_length=300)

    _country = field_validator("country")(normalise_country)


class OrganisationUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    short_name: str | None = Field(default=None, max_length=40)
    country: str | None = None
    website: str | None = Field(default=None, max_length=300)

    _country = field_validator("country")(normalise_country)


class OrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    short_name: str | None
    kind: str
    country: str | None
    parent_id: str | None
    website: str | None


class BodyCreate(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    slug: str = Field(min_length=2, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: BodyKind = BodyKind.ALLIANCE
    parent_id: str | None = None
    description: str = Field(default="", max_length=20000)
    meetings_per_year: int = Field(default=2, ge=0, le=12)


class BodyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    slug: str
    kind: str
    parent_id: str | None
    description: str
    meetings_per_year: int


class MembershipCreate(BaseModel):
    organisation_id: str
    role: MembershipRole
    start_date: Day
    end_date: Day | None = None
    note: str = Field(default="", max_length=2000)


class MembershipRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    organisation_id: str
    organisation_name: str
    body_id: str
    role: str
    start_date: Day
    end_date: Day | None
    note: str


class UserCreate(BaseModel):
    email: EmailStr
    display_name: str = Field(min_length=1, max_length=200)
    organisation_id: str
    roles: list[UserRole] = Field(min_length=1)
    password: str = Field(min_length=12, max_length=1000)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    email: str
    display_name: str
    organisation_id: str
    roles: list[str]
    is_active: bool
    totp_enabled: bool
    last_login_at: datetime | None


class UserRolesUpdate(BaseModel):
    roles: list[UserRole] = Field(min_length=1)


class InvitationCreate(BaseModel):
    email: EmailStr
    organisation_id: str
    roles: list[UserRole] = Field(min_length=1)


class InvitationRead(BaseModel):
    id: str
    email: str
    organisation_id: str
    roles: list[str]
    expires_at: Instant
    accept_url: str | None = None


class InvitationAccept(BaseModel):
    display_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=12, max_length=1000)
