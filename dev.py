#!/usr/bin/env python3
"""Bootstrap and run nohaven from a fresh checkout with nothing but Python 3.11+.

    python3 dev.py demo     # the platform with demo data on SQLite at http://127.0.0.1:8000
    python3 dev.py test     # ruff, mypy --strict and the whole pytest suite
    python3 dev.py messages # re-extract the message catalogue and update every language's

The first run creates `.venv/` and installs exactly what the lock files pin (with hashes):
`demo` only the runtime lock `requirements.lock`; `test` and `env` the dev lock
`requirements-dev.lock` (the runtime pins plus the test and lint tools). Later runs reuse the
venv until a lock file or pyproject.toml changes. Regenerate the locks with the commands in their
headers, runtime lock first: the dev lock is constrained to its pins.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
STAMP = VENV / ".nohaven-lock-sha256"


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _lock_digest() -> str:
    """One digest over both locks and pyproject.toml: a change to any of them refreshes."""
    digest = hashlib.sha256()
    for path in (RUNTIME_LOCK, DEV_LOCK, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def bootstrap(*, dev: bool) -> Path:
    """Create or refresh the virtual environment so it matches the lock files exactly.

    The stamp names what was installed ("runtime" or "dev") beside the digest. A dev venv
    serves the demo too, because the dev lock holds the runtime pins unchanged."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on whatever python3 is
        sys.exit("nohaven needs Python 3.11 or newer")
    python = _venv_python()
    digest = _lock_digest()
    if python.exists() and STAMP.exists():
        kind, _, stamped = STAMP.read_text().strip().partition(" ")
        if stamped == digest and (kind == "dev" or not dev):
            compile_catalogues(python)
            return python
    if not python.exists():
        print("» creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    lock = DEV_LOCK if dev else RUNTIME_LOCK
    print(f"» installing {lock.name} (first run takes a minute)", flush=True)
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--require-hashes", "-r", str(lock)], check=True)
    # The dev lock pins the build backend (hatchling, editables), so the project installs
    # from it without isolation; the runtime lock holds no build tools, so pip builds the
    # editable install in an isolated environment of its own.
    isolation = ["--no-build-isolation"] if dev else []
    subprocess.run([*pip, "install", "--no-deps", *isolation, "-e", str(ROOT)], check=True)
    STAMP.write_text(f"{'dev' if dev else 'runtime'} {digest}")
    compile_catalogues(python)
    return python


def compile_catalogues(python: Path) -> None:
    """The translation catalogues' .mo files are build output: compiled from the .po sources
    on every run (only the stale ones), never by the server (docs/languages.md)."""
    subprocess.run([str(python), "-m", "nohaven.kit.catalogues"], cwd=ROOT, check=True)


def _run(python: Path, *args: str, env: dict[str, str] | None = None) -> int:
    return subprocess.run([str(python), *args], cwd=ROOT, env=env, check=False).returncode


def test(extra: list[str]) -> int:
    python = bootstrap(dev=True)
    for step in (
        ["-m", "ruff", "check", "."],
        ["-m", "ruff", "format", "--check", "."],
        ["-m", "mypy"],
    ):
        print(f"» {' '.join(step[1:])}", flush=True)
        if code := _run(python, *step):
            return code
    print("» pytest", flush=True)
    workers = os.environ.get("NOHAVEN_TEST_WORKERS", "2")
    code = _run(python, "-m", "pytest", "-n", workers, *extra)
    return code


# The message catalogue (docs/languages.md): the template is extracted from the sources, each
# language's catalogue is updated from it, and the tests fail until every message is translated.
EXTRACT = [
    "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "N_",
    "--no-location", "--sort-output", "--project", "nohaven",
    "--copyright-holder", "nohaven contributors", "-o", "src/nohaven/locales/messages.pot", ".",
]  # fmt: skip
UPDATE = [
    "-m", "babel.messages.frontend", "update", "-i", "src/nohaven/locales/messages.pot",
    "-d", "src/nohaven/locales", "-D", "messages", "--no-fuzzy-matching", "--ignore-obsolete",
    "--width", "100",
]  # fmt: skip


def messages() -> int:
    python = bootstrap(dev=True)
    return _run(python, *EXTRACT) or _run(python, *UPDATE)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test", "env", "nohaven", "messages"}:
        print(__doc__)
        return 2
    command, extra = sys.argv[1], sys.argv[2:]
    if command == "test":
        return test(extra)
    if command == "messages":
        return messages()
    python = bootstrap(dev=command == "env")
    if command == "env":
        return 0
    if command == "demo":
        return _run(python, "-m", "nohaven", "demo", *extra)
    return _run(python, "-m", "nohaven", *extra)


if __name__ == "__main__":
    sys.exit(main())
