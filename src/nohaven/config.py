"""The settings tree: one `Settings`, read from the environment (prefix ``NOHAVEN_``) once,
by the process's entry point, and passed on from there (docs/operations.md, "Settings").

* the web app: ``create_app(settings)`` keeps it on ``app.state``; an endpoint takes it with the
  ``AppSettings`` dependency;
* the CLI: the root command builds it and puts it in the Typer context; a command takes it
  with ``settings_of(ctx)``;
* the job runner: each job receives it in its ``JobContext``.

Services never read it themselves: they take what they need as arguments. A domain with
several settings of its own has a section (``settings.deconfliction``) with its own
environment prefix; single settings stay at the top, named after their domain.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nohaven.kit import crypto, i18n
from nohaven.kit.secret_strength import estimate_bits, without_placeholders
from nohaven.settings_sections import SECTIONS
from nohaven.settings_sections import DeconflictionSettings as DeconflictionSettings
from nohaven.settings_sections import FederationSettings as FederationSettings
from nohaven.settings_sections import MailSettings as MailSettings
from nohaven.settings_sections import OidcSettings as OidcSettings
from nohaven.settings_sections import OperationsSettings as OperationsSettings
from nohaven.settings_sections import WebhookSettings as WebhookSettings

if TYPE_CHECKING:
    import typer

# Secrets a fresh checkout carries so demo mode works with no set-up. Outside demo mode the
# settings refuse them: anyone can read them here.
DEFAULT_SECRET_KEY = "nohaven-demo-secret-key-do-not-use-in-production"  # noqa: S105
DEFAULT_DATA_KEY = "bm9oYXZlbi1kZW1vLWRhdGEta2V5LW5vdC1zZWNyZXQ="
# 32 bytes: what an attacker who holds a signed cookie must guess to forge one offline.
SECRET_KEY_MIN_BITS = 256
MAKE_A_KEY = (
    'python3 -c "import secrets,base64;print(base64.b64encode(secrets.token_bytes(32)).decode())"'
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


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
    # The language of a page when neither the reader's profile nor the browser names one
    # nohaven speaks (docs/languages.md).
    default_language: str = "en"
    host: str = "127.0.0.1"
    port: int = 8000
    # Outside demo mode cookies are Secure and responses carry Strict-Transport-Security.
    # An operator who serves plain HTTP to a browser on this same machine (no TLS anywhere)
    # says so here; it is refused for any other address.
    plain_http_on_loopback: bool = False
    # Addresses of reverse proxies whose X-Forwarded-For names the real client, so login
    # throttling counts each client apart rather than the proxy as one source.
    trusted_proxies: list[str] = Field(default_factory=list)
    session_hours: int = 12
    # Failed logins: an account tried from one source (and a user's second factor) pauses
    # after login_max_failures, a source across all accounts after login_source_max_failures;
    # the first pause lasts login_lockout_minutes and each next one twice as long.
    login_max_failures: int = 5
    login_source_max_failures: int = 50
    login_lockout_minutes: int = 15
    login_longest_pause_hours: int = 24
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
    # Deconfliction: the server's OPRF key, and the section of limits.
    oprf_key_file: Path | None = None
    oprf_key: SecretStr | None = None
    deconfliction: DeconflictionSettings = Field(default_factory=DeconflictionSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    operations: OperationsSettings = Field(default_factory=OperationsSettings)
    federation: FederationSettings = Field(default_factory=FederationSettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)
    oidc: OidcSettings = Field(default_factory=OidcSettings)
    # Travel notifications: personal data is purged this long after the travel ends. A
    # receiver that has not acknowledged within travel_ack_hours of sending (or by the
    # departure, if sooner) is escalated to its organisation admin; sending less than
    # travel_late_hours before departure is allowed but flagged late. The job runner purges
    # and escalates at the two intervals.
    travel_retention_days: int = 90
    travel_ack_hours: int = 24
    travel_late_hours: int = 48
    travel_job_interval_seconds: float = 86400.0
    travel_escalate_interval_seconds: float = 900.0
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
    # The public contact form: a person takes a few seconds to fill it in, and one address
    # sends at most this many messages an hour.
    contact_min_fill_seconds: int = 3
    contact_per_hour: int = 5
    # How long a contact attempt (a keyed hash of the sender's address) is kept for the rate
    # limit; the `governance.prune_contact_attempts` job forgets older ones.
    contact_attempts_keep_hours: int = Field(default=24, ge=1)
    # A member of the public's message is personal data: kept this many days after it was
    # handled (or received, if nobody ever handled it), then the same job deletes it.
    contact_messages_keep_days: int = Field(default=180, ge=1)
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

    @property
    def secure_transport(self) -> bool:
        """Whether browsers reach us over HTTPS: Secure cookies and HSTS follow from it."""
        return not (self.demo or self.plain_http_on_loopback)

    @model_validator(mode="after")
    def _refuse_weak_setup(self) -> Settings:
        """Nothing starts outside demo mode with a guessable or malformed secret: a weak
        secret key lets anyone forge sessions, and a malformed data key only shows itself
        later, as a failure on the first sealed value (a login, a travel notification)."""
        problems = []
        try:
            crypto.load_key(self.data_key.get_secret_value())
        except crypto.SealError:
            problems.append(
                "NOHAVEN_DATA_KEY must be base64 of 32 random bytes; make one with: " + MAKE_A_KEY
            )
        for previous in filter(None, self.data_keys_previous.get_secret_value().split(",")):
            try:
                crypto.load_key(previous.strip())
            except crypto.SealError:
                problems.append(
                    "NOHAVEN_DATA_KEYS_PREVIOUS must list earlier data keys, comma-separated, "
                    "each base64 of 32 bytes"
                )
                break
        if self.default_language not in i18n.LANGUAGES:
            problems.append(
                f"NOHAVEN_DEFAULT_LANGUAGE must be one of {', '.join(i18n.LANGUAGES)}, "
                f"not {self.default_language!r}"
            )
        if not self.demo:
            secret = self.secret_key.get_secret_value()
            if secret == DEFAULT_SECRET_KEY:
                problems.append(
                    "NOHAVEN_SECRET_KEY is the repository's published demo key; set your own "
                    "(make one with: " + MAKE_A_KEY + "), or NOHAVEN_DEMO=true for a demo"
                )
            elif estimate_bits(without_placeholders(secret)) < SECRET_KEY_MIN_BITS:
                problems.append(
                    "NOHAVEN_SECRET_KEY is too weak (short, repetitive or a placeholder): it "
                    f"needs at least {SECRET_KEY_MIN_BITS // 8} random bytes; make one with: "
                    + MAKE_A_KEY
                )
            if self.data_key.get_secret_value() == DEFAULT_DATA_KEY:
                problems.append(
                    "NOHAVEN_DATA_KEY is the repository's published demo key; set your own "
                    "(make one with: " + MAKE_A_KEY + "), or NOHAVEN_DEMO=true for a demo"
                )
            if (
                self.mail.user
                and self.mail.security == "none"
                and self.mail.host not in LOOPBACK_HOSTS
            ):
                problems.append(
                    "NOHAVEN_MAIL_SECURITY=none would send the SMTP password in clear to "
                    f"{self.mail.host}; use starttls or tls"
                )
            if self.plain_http_on_loopback and self.host not in LOOPBACK_HOSTS:
                problems.append(
                    "NOHAVEN_PLAIN_HTTP_ON_LOOPBACK is only for a server on 127.0.0.1, ::1 or "
                    f"localhost, not {self.host}; serve HTTPS (or sit behind a TLS proxy)"
                )
        if problems:
            raise ValueError("\n".join(problems))
        return self


@lru_cache
def get_settings() -> Settings:
    """Being retired: the entry points build the tree once and pass it on (see above)."""
    return Settings()


def app_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


# The settings the app was built with, for an endpoint: ``settings: AppSettings``.
AppSettings = Annotated[Settings, Depends(app_settings)]


def settings_of(ctx: typer.Context) -> Settings:
    """The settings the root command built (or a test handed in as ``obj``), for a command."""
    found = ctx.find_object(Settings)
    if found is None:  # a command run without the root app: only in a test's own runner
        raise RuntimeError("no settings in the command's context")
    return found


def refusal(exc: ValidationError) -> str:
    """What an operator reads when the settings are refused: each problem on a line of its
    own, without pydantic's framing, named by its environment variable."""
    classes: list[type[BaseSettings]] = [Settings, *SECTIONS.values()]
    prefixes = {cls.__name__: str(cls.model_config.get("env_prefix")) for cls in classes}
    prefix = prefixes.get(exc.title, "NOHAVEN_")
    lines = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        where = "_".join(str(part) for part in error["loc"])
        lines.append(f"{prefix}{where.upper()}: {message}" if where else message)
    return "\n".join(lines)


@contextmanager
def demo_mode() -> Iterator[Settings]:
    """Run the rest of this process in demo mode (the `demo` command): code that asks
    `get_settings()` deep inside a service must see the same mode as the command."""
    previous = os.environ.get("NOHAVEN_DEMO")
    os.environ["NOHAVEN_DEMO"] = "true"
    get_settings.cache_clear()
    try:
        yield get_settings()
    finally:
        if previous is None:
            os.environ.pop("NOHAVEN_DEMO", None)
        else:
            os.environ["NOHAVEN_DEMO"] = previous
        get_settings.cache_clear()
