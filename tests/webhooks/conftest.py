"""The webhook tests' receiver and settings: plain HTTP to the loopback receiver is allowed
explicitly, as a deployment with a receiver on the same machine would set it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nohaven.config import Settings, WebhookSettings
from tests.webhooks.receiver import Receiver


@pytest.fixture
def webhook_settings() -> WebhookSettings:
    return WebhookSettings(
        allow_http_loopback=True,
        allowed_networks=["127.0.0.0/8"],
        retry_base_seconds=60,
        max_attempts=3,
        pause_after_failures=4,
        timeout_seconds=5,
    )


@pytest.fixture
def settings(settings: Settings, webhook_settings: WebhookSettings) -> Settings:
    mail = settings.mail.model_copy(update={"site_url": "https://nohaven.example"})
    return settings.model_copy(update={"webhooks": webhook_settings, "mail": mail})


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()
