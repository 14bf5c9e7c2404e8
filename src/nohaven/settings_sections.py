"""The settings tree's sections: a domain with several settings of its own keeps them here,
each with its own environment prefix, and `nohaven.config.Settings` holds one of each."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class DeconflictionSettings(BaseSettings):
    """``settings.deconfliction``: the limits of deconfliction (``NOHAVEN_DECONFLICTION_*``)."""

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


class MailSettings(BaseSettings):
    """``settings.mail``: e-mail through SMTP (``NOHAVEN_MAIL_*``, docs/notices-and-email.md).

    With no host, nothing is sent: messages wait in the outbox until one is configured."""

    model_config = SettingsConfigDict(env_prefix="NOHAVEN_MAIL_", env_file=None, extra="ignore")

    host: str = ""
    port: int = 587
    # "starttls" (upgrade a plain connection, port 587), "tls" (TLS from the first byte,
    # port 465) or "none" (plain SMTP: only for a relay on this machine, or demo mode).
    security: Literal["starttls", "tls", "none"] = "starttls"
    # Certificate authorities to trust for the server's certificate, beyond the system's
    # (a relay with an internal CA).
    ca_file: Path | None = None
    user: str = ""
    password: SecretStr = SecretStr("")
    from_address: str = "nohaven@localhost"
    # Where a person signs in: the links in e-mails start here.
    site_url: str = "http://127.0.0.1:8000"
    timeout_seconds: float = 20.0
    # How often the job runner sends what is due, and how retries back off: the n-th retry
    # waits retry_base_seconds * 2**(n-1), at most retry_max_seconds; after max_attempts a
    # message is marked failed for the secretariat to see.
    send_seconds: float = 20.0
    retry_base_seconds: float = 60.0
    retry_max_seconds: float = 6 * 3600.0
    max_attempts: int = 10
    batch: int = 100
    # The daily digest is sent at this hour (UTC).
    digest_hour: int = Field(default=7, ge=0, le=23)
    # Password-reset links: how long they work, and how many one address may ask for an hour.
    reset_minutes: int = 30
    reset_per_hour: int = 3
    # How long sent (bounced, failed) messages and their delivery log are kept, and the
    # traces of password-reset requests; the ``notifications.purge`` job forgets older ones.
    keep_days: int = Field(default=30, ge=1)
    reset_keep_hours: int = Field(default=24, ge=2)


class OperationsSettings(BaseSettings):
    """``settings.operations``: referrals between participants (``NOHAVEN_OPERATIONS_*``)."""

    model_config = SettingsConfigDict(
        env_prefix="NOHAVEN_OPERATIONS_", env_file=None, extra="ignore"
    )

    # A receiver that has not acknowledged a referral within this many hours is escalated to
    # its organisation admins, and the sender is told.
    referral_ack_hours: int = 72
    # What a referral says about its suspect is destroyed this many days after it was sent,
    # and a closed operation's briefings and points of contact this many days after it ended.
    referral_retention_days: int = 365
    escalate_interval_seconds: float = 900.0
    purge_interval_seconds: float = 86400.0


class FederationSettings(BaseSettings):
    """``settings.federation``: this node among nodes (``NOHAVEN_FEDERATION_*``)."""

    model_config = SettingsConfigDict(
        env_prefix="NOHAVEN_FEDERATION_", env_file=None, extra="ignore"
    )

    # The node's Ed25519 identity key (`nohaven peers keygen`); federation is off without it.
    node_key_file: Path | None = None
    # How peers name this node, and the address they reach it at.
    node_name: str = "nohaven"
    public_url: str = ""
    # How often the job runner syncs every subscription; entries per feed page.
    sync_seconds: float = 300.0
    page_size: int = Field(default=20_000, ge=1, le=20_000)
    timeout_seconds: float = 30.0


class WebhookSettings(BaseSettings):
    """``settings.webhooks``: deliveries to organisations' endpoints (``NOHAVEN_WEBHOOKS_*``,
    docs/webhooks.md)."""

    model_config = SettingsConfigDict(env_prefix="NOHAVEN_WEBHOOKS_", env_file=None, extra="ignore")

    # Endpoints must be https://; plain http:// to this same machine only when this is on
    # (or in demo mode), for a receiver running beside the server.
    allow_http_loopback: bool = False
    # Networks (CIDR) whose addresses an endpoint may lead to although they are not public:
    # loopback, private, link-local… are refused otherwise, at registration and at each
    # delivery (docs/webhooks.md, "Where webhooks may go"). JSON list in the environment.
    allowed_networks: list[str] = Field(default_factory=list)
    # (Links in payloads start at settings.mail.site_url, like those in e-mails.)
    # How often the job runner sends what is due; how long a receiver may take to answer.
    send_seconds: float = Field(default=10.0, gt=0)
    timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # The n-th retry waits retry_base_seconds * 2**(n-1), at most retry_max_seconds; after
    # max_attempts a delivery is marked failed (it can be sent again by hand).
    retry_base_seconds: float = Field(default=30.0, gt=0)
    retry_max_seconds: float = Field(default=6 * 3600.0, gt=0)
    max_attempts: int = Field(default=8, ge=1)
    # Failed attempts in a row after which an endpoint is paused and its admins told.
    pause_after_failures: int = Field(default=10, ge=1)
    # How long the previous secret still signs after a rotation.
    secret_grace_hours: float = Field(default=24.0, ge=0)
    batch: int = Field(default=50, ge=1)
    # Delivered and failed deliveries (and their attempts) older than this are forgotten by
    # the ``webhooks.purge`` job; those still pending are kept.
    keep_days: int = Field(default=30, ge=1)


class OidcSettings(BaseSettings):
    """``settings.oidc``: signing in through organisations' OpenID providers
    (``NOHAVEN_OIDC_*``, docs/sign-in.md). Each organisation's provider is configured in the
    application; these are the deployment's limits."""

    model_config = SettingsConfigDict(env_prefix="NOHAVEN_OIDC_", env_file=None, extra="ignore")

    # Issuers must be https://; http:// to this same machine only when this is on (or in
    # demo mode), for a provider running beside the server.
    allow_http_loopback: bool = False
    # Networks (CIDR) of a deployment's own providers the server may call although they are
    # private (docs/sign-in.md); public addresses need no listing.
    allowed_networks: list[str] = Field(default_factory=list)
    timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # How long a person may take at their provider between leaving and coming back.
    flow_minutes: int = Field(default=10, ge=1, le=60)


# The sections of the tree, each with the environment prefix of its settings.
SECTIONS: dict[str, type[BaseSettings]] = {
    "deconfliction": DeconflictionSettings,
    "mail": MailSettings,
    "operations": OperationsSettings,
    "federation": FederationSettings,
    "webhooks": WebhookSettings,
    "oidc": OidcSettings,
}
