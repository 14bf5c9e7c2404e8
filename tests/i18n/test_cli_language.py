"""The command line speaks the person's locale when nohaven speaks it, else the deployment's
default language."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from nohaven.kit.i18n import terminal_language


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANGUAGE": "ar:en", "LANG": "fr_FR.UTF-8"}, "ar"),  # gettext reads LANGUAGE first
        ({"LC_ALL": "es_ES@euro"}, "es"),
        ({"LANG": "C.UTF-8"}, "es"),  # no language: the deployment's default
        ({"LANG": "de_DE.UTF-8"}, "es"),  # one nohaven does not speak
        ({}, "es"),
    ],
)
def test_terminal_language(environ: dict[str, str], expected: str) -> None:
    assert terminal_language(environ, default="es") == expected


def test_unknown_default_falls_back_to_english() -> None:
    assert terminal_language({}, default="xx") == "en"


def test_cli_refuses_in_the_persons_language() -> None:
    """Weak secrets are refused in French for a person whose locale is French."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NOHAVEN_", "LANG", "LC_"))
    }
    env.update(
        LANG="fr_FR.UTF-8",
        NOHAVEN_SECRET_KEY="a",
        NOHAVEN_DATA_KEY="x",
        NOHAVEN_DATABASE_URL="sqlite:////nonexistent/never-touched.db",
    )
    done = subprocess.run(
        [sys.executable, "-m", "nohaven", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "refus de démarrer" in " ".join(done.stderr.split())
