"""The SMTP server of the notification tests, and the sweep of everything it received."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nohaven.config import MailSettings, Settings
from tests.notifications.smtp import SmtpServer

# What no e-mail may ever contain. Tests add the sensitive values they create (a travel
# subject's name and passport number, selectors, hash hex, titles under TLP:AMBER or RED);
# at the end of the session every received message is searched for each of them.
FORBIDDEN: set[str] = set()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
    leaks = [
        (value, r.recipients)
        for r in server.received
        for value in FORBIDDEN
        if value.lower() in (r.raw.decode(errors="replace") + r.text).lower()
    ]
    assert not leaks, f"sensitive data in e-mails: {leaks}"


@pytest.fixture
def mail_settings(smtp_server: SmtpServer) -> MailSettings:
    return MailSettings(
        host=smtp_server.host,
        port=smtp_server.port,
        security="none",
        from_address="nohaven@alliance.example",
        site_url="https://nohaven.example",
        retry_base_seconds=60,
    )


@pytest.fixture
def settings(settings: Settings, mail_settings: MailSettings) -> Settings:
    return settings.model_copy(update={"mail": mail_settings})


# The travel tests' small world (agencies with points of contact, a way to send).
from tests.travel.conftest import world  # noqa: E402, F401
