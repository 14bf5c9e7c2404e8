"""Pydantic shapes of an organisation's OpenID provider settings."""

from __future__ import annotations

from datetime import datetime

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, SecretStr, field_validator

from nohaven.members.models import UserRole

# Roles a provider may grant: never the secretariat's.
GRANTABLE = frozenset({UserRole.ORG_ADMIN, UserRole.ANALYST, UserRole.DELEGATE})


class OidcProviderSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    issuer: AnyHttpUrl
    client_id: str = Field(min_length=1, max_length=200)
    # Left out when changing a provider: the sealed one stays. Required for a new provider.
    client_secret: SecretStr | None = Field(default=None, min_length=1, max_length=500)
    allowed_domains: list[str] = Field(min_length=1, max_length=50)
    role_claim: str = Field(default="groups", min_length=1, max_length=100)
    role_map: dict[str, list[str]] = Field(default_factory=dict, max_length=100)
    trusted_amr: list[str] = Field(default_factory=list, max_length=20)
    trusted_acr: list[str] = Field(default_factory=list, max_length=20)
    enabled: bool = True

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, domains: list[str]) -> list[str]:
        cleaned = sorted({d.strip().lower().lstrip("@") for d in domains if d.strip()})
        if not cleaned or any("." not in d or "@" in d for d in cleaned):
            raise ValueError("give e-mail domains such as agency.example")
        return cleaned

    @field_validator("role_map")
    @classmethod
    def _roles(cls, mapping: dict[str, list[str]]) -> dict[str, list[str]]:
        wrong = sorted({r for roles in mapping.values() for r in roles} - set(GRANTABLE))
        if wrong:
            raise ValueError(f"roles a provider cannot grant: {', '.join(wrong)}")
        return {k: sorted(set(v)) for k, v in mapping.items()}


class OidcProviderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    organisation_id: str
    issuer: str
    client_id: str
    allowed_domains: list[str]
    role_claim: str
    role_map: dict[str, list[str]]
    trusted_amr: list[str]
    trusted_acr: list[str]
    enabled: bool
    updated_at: datetime
