"""`nohaven webhooks list|deliveries|pause|resume|rotate-secret`, with and without `--json`,
against a committed database of their own; an admin of another organisation is told there is
no such endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from nohaven import migrate
from nohaven.audit.models import AuditEntry
from nohaven.cli import app
from nohaven.config import get_settings
from nohaven.db import session_scope
from nohaven.keys.ring import data_keyring
from nohaven.webhooks import cli as webhooks_cli
from nohaven.webhooks import events, service
from nohaven.webhooks.addresses import Guard
from nohaven.webhooks.schemas import EndpointCreate
from tests.factories import Factory

runner = CliRunner(env={"COLUMNS": "250"})
ADMIN = "admin@hooks.example"
OTHER = "admin@elsewhere.example"


@pytest.fixture
def endpoint_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'hooks.db'}"
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", url)
    monkeypatch.setattr(webhooks_cli.console, "width", 250)
    get_settings.cache_clear()
    migrate.upgrade(url)
    settings = get_settings()
    with session_scope(settings) as session:
        factory = Factory(session, settings)
        org = factory.organisation("Hooked Police", kind="law_enforcement")
        admin = factory.user(org, roles=("org_admin",), email=ADMIN)
        factory.user(factory.organisation("Elsewhere"), roles=("org_admin",), email=OTHER)
        made = service.register_endpoint(
            session,
            actor=factory.actor(admin),
            data=EndpointCreate.model_validate(
                {"url": "https://hooks.police.example/in", "kinds": ["travel.notification"]}
            ),
            keyring=data_keyring(settings),
            guard=Guard(),
        ).endpoint
        events.publish(
            session,
            organisation_id=org.id,
            kind="travel.notification",
            data={"notice_id": "n1", "path": "/inbox/n1"},
        )
        found = made.id
    yield found
    get_settings.cache_clear()


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_an_admin_lists_pauses_resumes_and_rotates_at_the_console(endpoint_id: str) -> None:
    assert "https://hooks.police.example/in" in _ok("webhooks", "list", "--as", ADMIN)
    [listed] = json.loads(_ok("webhooks", "list", "--as", ADMIN, "--json"))
    assert listed["id"] == endpoint_id
    assert "secret" not in listed

    [delivery] = json.loads(_ok("webhooks", "deliveries", endpoint_id, "--as", ADMIN, "--json"))
    assert delivery["kind"] == "travel.notification"
    assert delivery["status"] == "pending"
    assert "travel.notification" in _ok("webhooks", "deliveries", endpoint_id, "--as", ADMIN)

    paused = json.loads(_ok("webhooks", "pause", endpoint_id, "--as", ADMIN, "--json"))
    assert paused["state"] == "paused"
    again = runner.invoke(app, ["webhooks", "pause", endpoint_id, "--as", ADMIN])
    assert again.exit_code == 1
    assert "paused already" in again.output
    assert "Resumed" in _ok("webhooks", "resume", endpoint_id, "--as", ADMIN)

    rotated = json.loads(_ok("webhooks", "rotate-secret", endpoint_id, "--as", ADMIN, "--json"))
    assert rotated["secret"].startswith("whsec_")
    assert rotated["previous_secret_expires_at"]
    with session_scope(get_settings()) as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {
        "webhook_endpoint.pause",
        "webhook_endpoint.resume",
        "webhook_endpoint.rotate_secret",
    } <= actions


def test_another_organisations_admin_finds_no_such_endpoint(endpoint_id: str) -> None:
    assert json.loads(_ok("webhooks", "list", "--as", OTHER, "--json")) == []
    for command in ("deliveries", "pause", "resume", "rotate-secret"):
        refused = runner.invoke(app, ["webhooks", command, endpoint_id, "--as", OTHER])
        assert refused.exit_code == 1, command
        assert endpoint_id not in refused.output
    unknown = runner.invoke(app, ["webhooks", "list", "--as", "nobody@example.org"])
    assert unknown.exit_code == 1
    assert "No active user" in unknown.output
