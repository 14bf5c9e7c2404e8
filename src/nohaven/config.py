"""Settings, read from the environment (prefix ``NOHAVEN_``) only when asked for."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Secrets a fresh checkout carries so demo mode works with no set-up. `serve` refuses them
# outside demo mode: anyone can read them here.
DEFAULT_SECRET_KEY = "nohaven-demo-secret-key-do-not-use-in-production"  # noqa: S105
DEFAULT_DATA_KEY = "bm9oYXZlbi1kZW1vLWRhdGEta2V5LW5vdC1zZWNyZXQ="


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOHAVEN_", env_file=None, extra="ignore")

    database_url: str = "sqlite:///./var/nohaven.db"
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    # Key-encryption key for personal data at rest (base64 of 32 bytes).
    data_key: SecretStr = SecretStr(DEFAULT_DATA_KEY)
    # Earlier key-encryption keys, comma-separated, still read during a key rotation
    # (`nohaven keys rotate`); emptied once the rotation has finished.
    data_keys_previous: SecretStr = SecretStr("")
    demo: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    # Cookies are marked Secure unless explicitly serving plain HTTP on loopback.
    secure_cookies: bool = False
    session_hours: int = 12
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    # Organisation kinds whose users must enrol a second factor before they can work.
    mfa_required_kinds: list[str] = Field(default_factory=lambda: ["law_enforcement"])
    invitation_days: int = 7
    api_token_max_days: int = 365
    # argon2id cost; tests lower it, production keeps the library's recommended defaults.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    # Hash matching
    pdq_default_threshold: int = 31
    pdq_max_threshold: int = 52
    match_batch_max: int = 10000
    # Deconfliction
    oprf_key_file: Path | None = None
    oprf_key: SecretStr | None = None
    # Travel notifications
    travel_retention_days: int = 90
    # The one job runner (nohaven.jobs): whether each server process takes part in running
    # the jobs (turn off where `nohaven jobs work` runs apart), and how often it looks.
    job_worker: bool = True
    job_tick_seconds: float = 1.0
    # How often the sealer chains new audit entries, and how often due motions are closed.
    audit_seal_seconds: float = 2.0
    # Signed audit checkpoints: the Ed25519 key file (`nohaven audit keygen`; never in the
    # database) and how often the `audit.checkpoint` job signs the head.
    audit_signing_key_file: Path | None = None
    audit_checkpoint_seconds: float = 3600.0
    motion_close_seconds: float = 30.0
    # Server processes `nohaven serve` starts (each with its own matching index).
    workers: int = 1
    # The request path (docs/request-path.md). Worker threads per process: also the number of
    # requests it serves at once, and so its database connections (plus two spare).
    request_threads: int = Field(default=16, ge=1, le=256)
    # Longest wait for a request slot, a connection or SQLite's write lock before 503.
    db_wait_seconds: float = Field(default=10.0, gt=0, le=120)
    # Body limits in bytes: JSON bodies, match batches, uploaded files; and for requests that
    # carry no credentials at all (login forms, public applications).
    body_max_json: int = 1024 * 1024
    body_max_match: int = 8 * 1024 * 1024
    body_max_upload: int = 512 * 1024 * 1024
    body_max_anonymous: int = 256 * 1024
    # A client that sends nothing of its body for this long gets 408.
    body_idle_seconds: float = 30.0

    @property
    def db_pool_size(self) -> int:
        return self.request_threads + 2

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def default_secrets_in_use(self) -> list[str]:
        found = []
        if self.secret_key.get_secret_value() == DEFAULT_SECRET_KEY:
            found.append("NOHAVEN_SECRET_KEY")
        if self.data_key.get_secret_value() == DEFAULT_DATA_KEY:
            found.append("NOHAVEN_DATA_KEY")
        return found


@lru_cache
def get_settings() -> Settings:
    return Settings()
