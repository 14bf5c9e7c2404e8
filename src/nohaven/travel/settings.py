"""Settings of the travel domain beyond `nohaven.config.Settings.travel_retention_days`."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class TravelSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOHAVEN_", env_file=None, extra="ignore")

    # A receiver that has not acknowledged within this many hours of sending, or by the
    # departure if that comes first, is escalated to its organisation admin.
    travel_ack_hours: int = 24
    # Sending less than this many hours before departure is allowed but flagged late.
    travel_late_hours: int = 48
    # The job runner purges this often and looks for overdue acknowledgements this often.
    travel_job_interval_seconds: float = 86400.0
    travel_escalate_interval_seconds: float = 900.0


@lru_cache
def get_travel_settings() -> TravelSettings:
    return TravelSettings()
