"""Settings of the governance domain (read only when asked)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class GovernanceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOHAVEN_", extra="ignore")

    # The public contact form: a human takes a few seconds to fill it in …
    contact_min_fill_seconds: int = 3
    # … and one address sends at most this many messages an hour.
    contact_per_hour: int = 5


def governance_settings() -> GovernanceSettings:
    return GovernanceSettings()
