"""`nohaven operations`: a body's programme, an operation's totals, escalation and purge, run
against a database of the test's own as an operator would."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from nohaven.cli import app
from nohaven.config import Settings, get_settings
from nohaven.db import make_sessionmaker
from nohaven.keys.ring import data_keyring
from nohaven.operations import results
from nohaven.operations.schemas import ResultIn
from tests.factories import Factory
from tests.operations.conftest import make_world, refer, running


def test_operator_commands(
    own_database: tuple[str, Engine, Path | None], settings: Settings
) -> None:
    url, engine, _path = own_database
    mine = settings.model_copy(update={"database_url": url})
    with make_sessionmaker(engine, keyring=data_keyring(get_settings()))() as session:
        w = make_world(Factory(session, mine))
        activity = running(w, session)
        refer(w, session, activity, mine)
        results.report(
            session,
            actor=w.actor(w.au),
            activity_id=activity.id,
            data=ResultIn(period="follow_up", arrests=4),
        )
        slug, activity_id = w.body.slug, activity.id
        session.commit()
    runner = CliRunner()
    listed = runner.invoke(app, ["operations", "list", slug], obj=mine)
    assert listed.exit_code == 0, listed.output
    assert "Tidewater" in listed.output
    assert "active" in listed.output
    totals = runner.invoke(app, ["operations", "results", activity_id], obj=mine)
    assert totals.exit_code == 0, totals.output
    assert "Arrests" in totals.output
    assert "4" in totals.output
    by_name = runner.invoke(app, ["operations", "results", "tidewater", "--json"], obj=mine)
    assert by_name.exit_code == 0, by_name.output
    assert {"measure": "Arrests", "total": 4} in json.loads(by_name.stdout)
    missing = runner.invoke(app, ["operations", "results", "0" * 32], obj=mine)
    assert missing.exit_code == 1
    assert "No such operation" in missing.output
    escalated = runner.invoke(app, ["operations", "escalate"], obj=mine)
    assert escalated.exit_code == 0
    assert "Escalated 0 overdue referral(s)" in escalated.output
    purged = runner.invoke(app, ["operations", "purge"], obj=mine)
    assert "Purged 0 referral(s) and operation(s)" in purged.output
