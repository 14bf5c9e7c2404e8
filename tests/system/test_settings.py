"""Outside demo mode nothing starts with a weak or malformed secret (issue 12)."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from nohaven import migrate
from nohaven.cli import app
from nohaven.config import DEFAULT_DATA_KEY, DEFAULT_SECRET_KEY, Settings, get_settings

GOOD_SECRET = base64.b64encode(secrets.token_bytes(32)).decode()
GOOD_DATA_KEY = base64.b64encode(secrets.token_bytes(32)).decode()


def _settings(**values: object) -> Settings:
    return Settings.model_validate({"secret_key": GOOD_SECRET, "data_key": GOOD_DATA_KEY, **values})


@pytest.mark.parametrize(
    "make",
    [
        lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
        lambda: secrets.token_urlsafe(32),
        lambda: secrets.token_hex(32),
        lambda: secrets.token_urlsafe(64),
    ],
    ids=["base64", "urlsafe", "hex", "long-urlsafe"],
)
def test_generated_secret_keys_are_accepted(make: object) -> None:
    for _ in range(200):
        _settings(secret_key=make())  # type: ignore[operator]


@pytest.mark.parametrize(
    "weak",
    [
        "a",
        DEFAULT_SECRET_KEY,
        "x" * 200,
        "abcdef" * 30,
        "correct horse battery staple",
        "changeme-changeme-changeme-changeme-changeme-changeme",
        base64.b64encode(secrets.token_bytes(24)).decode(),  # random, but only 24 bytes
        secrets.token_hex(31),
        "secret" + secrets.token_hex(20),  # a placeholder word adds nothing
    ],
    ids=lambda value: f"{len(value)}-chars",
)
def test_weak_secret_keys_are_refused_naming_the_setting(weak: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _settings(secret_key=weak)
    message = str(caught.value)
    assert "NOHAVEN_SECRET_KEY" in message
    assert "secrets.token_bytes(32)" in message


@pytest.mark.parametrize(
    "bad",
    [
        "x",
        "not base64 at all!",
        base64.b64encode(secrets.token_bytes(16)).decode(),
        base64.b64encode(secrets.token_bytes(33)).decode(),
        DEFAULT_DATA_KEY,
    ],
    ids=["x", "not-base64", "16-bytes", "33-bytes", "published"],
)
def test_malformed_or_default_data_keys_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _settings(data_key=bad)
    assert "NOHAVEN_DATA_KEY" in str(caught.value)


def test_previous_data_keys_are_checked_too() -> None:
    _settings(
        data_keys_previous=f"{GOOD_DATA_KEY},{base64.b64encode(secrets.token_bytes(32)).decode()}"
    )
    with pytest.raises(ValidationError, match="NOHAVEN_DATA_KEYS_PREVIOUS"):
        _settings(data_keys_previous=f"{GOOD_DATA_KEY},short")


def test_demo_mode_runs_on_the_published_keys_but_never_on_a_malformed_data_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NOHAVEN_SECRET_KEY", raising=False)
    monkeypatch.delenv("NOHAVEN_DATA_KEY", raising=False)
    with pytest.raises(ValidationError, match="NOHAVEN_SECRET_KEY"):
        Settings()  # the same published keys outside demo mode
    demo = Settings.model_validate({"demo": True})
    assert demo.secret_key.get_secret_value() == DEFAULT_SECRET_KEY
    with pytest.raises(ValidationError, match="NOHAVEN_DATA_KEY"):
        Settings.model_validate({"demo": True, "data_key": "x"})


def test_plain_http_is_an_opt_out_for_loopback_only() -> None:
    assert _settings().secure_transport
    assert not _settings(plain_http_on_loopback=True).secure_transport
    assert not Settings.model_validate({"demo": True}).secure_transport
    with pytest.raises(ValidationError, match="NOHAVEN_PLAIN_HTTP_ON_LOOPBACK"):
        _settings(plain_http_on_loopback=True, host="0.0.0.0")  # noqa: S104


@pytest.mark.parametrize(
    "command", [["serve"], ["db", "upgrade"], ["users", "list"], ["audit", "verify"]]
)
def test_every_command_refuses_to_start_with_weak_secrets(
    command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's reproduction: `NOHAVEN_SECRET_KEY=a NOHAVEN_DATA_KEY=x nohaven serve`."""
    monkeypatch.setenv("NOHAVEN_SECRET_KEY", "a")
    monkeypatch.setenv("NOHAVEN_DATA_KEY", "x")
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", "sqlite:////nonexistent/never-touched.db")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, command)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    assert "refusing to start" in result.output
    assert "NOHAVEN_SECRET_KEY" in result.output
    assert "NOHAVEN_DATA_KEY" in result.output
    assert "secrets.token_bytes(32)" in result.output


def test_a_section_reads_its_own_environment_names_and_is_refused_by_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOHAVEN_DECONFLICTION_USER_BURST", "7")
    monkeypatch.setenv("NOHAVEN_TRAVEL_LATE_HOURS", "12")
    settings = _settings()
    assert settings.deconfliction.user_burst == 7
    assert settings.travel_late_hours == 12
    monkeypatch.setenv("NOHAVEN_DECONFLICTION_USER_BURST", "many")
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", "sqlite:////nonexistent/never-touched.db")
    result = CliRunner().invoke(app, ["users", "list"])
    assert result.exit_code == 2, result.output
    assert "NOHAVEN_DECONFLICTION_USER_BURST" in result.output


def test_commands_use_the_settings_they_are_handed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The root command builds the settings once, from the environment; a caller (a test)
    # may hand in its own, and every command then works on what those settings name.
    url = f"sqlite:///{tmp_path / 'handed.db'}"
    migrate.upgrade(url)
    handed = _settings(database_url=url)
    runner = CliRunner(env={"COLUMNS": "200"})
    created = runner.invoke(
        app, ["orgs", "create", "Handed Police", "--kind", "law_enforcement"], obj=handed
    )
    assert created.exit_code == 0, created.output
    listed = runner.invoke(app, ["orgs", "list"], obj=handed)
    assert "Handed Police" in listed.output
    other = f"sqlite:///{tmp_path / 'environment.db'}"
    migrate.upgrade(other)
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", other)
    elsewhere = runner.invoke(app, ["orgs", "list"])  # built from the environment
    assert elsewhere.exit_code == 0, elsewhere.output
    assert "Handed Police" not in elsewhere.output
