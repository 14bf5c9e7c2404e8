"""Command-line commands of the governance domain."""

from __future__ import annotations

import typer

from nohaven.governance.meetings.cli import meetings_app


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `nohaven` app."""
    app.add_typer(meetings_app, name="meetings")
