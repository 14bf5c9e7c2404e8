"""Deconfliction settings beyond the shared ones (``NOHAVEN_DECONFLICTION_*``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class DeconflictionSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NOHAVEN_DECONFLICTION_", env_file=None, extra="ignore"
    )

    # Token buckets of OPRF evaluations: a burst allowance and a steady refill per hour. An
    # evaluation is one online guess, so these bound how fast anyone can test guesses.
    user_burst: int = 200_000
    user_per_hour: int = 50_000
    org_burst: int = 500_000
    org_per_hour: int = 200_000
    # Blinded elements per evaluation request, tokens per registration request.
    batch_max: int = 10_000
    registration_months: int = 12
    # An organisation whose registrations of one day hit this often is flagged to the
    # secretariat, once that day, from this many registrations on.
    ratio_min_registrations: int = 20
    ratio_threshold: float = 0.3
    purge_interval_hours: float = 24.0


@lru_cache
def get_deconfliction_settings() -> DeconflictionSettings:
    return DeconflictionSettings()
