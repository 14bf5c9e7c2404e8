#!/usr/bin/env python3
"""Bootstrap and run nohaven from a fresh checkout with nothing but Python 3.11+.

    python3 dev.py demo     # the platform with demo data on SQLite at http://127.0.0.1:8000
    python3 dev.py test     # ruff, mypy --strict and the whole pytest suite

The first run creates `.venv/` and installs exactly what `requirements.lock` pins (with hashes);
later runs reuse it until the lock file or pyproject.toml changes.
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
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".nohaven-lock-sha256"


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _lock_digest() -> str:
    digest = hashlib.sha256()
    for path in (LOCK, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def bootstrap() -> Path:
    """Create or refresh the virtual environment so it matches the lock file exactly."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on whatever python3 is
        sys.exit("nohaven needs Python 3.11 or newer")
    python = _venv_python()
    wanted = _lock_digest()
    if python.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return python
    if not python.exists():
        print("» creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("» installing the locked dependencies (first run takes a minute)", flush=True)
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--require-hashes", "-r", str(LOCK)], check=True)
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True
    )
    STAMP.write_text(wanted)
    return python


def _run(python: Path, *args: str, env: dict[str, str] | None = None) -> int:
    return subprocess.run([str(python), *args], cwd=ROOT, env=env, check=False).returncode


def test(extra: list[str]) -> int:
    python = bootstrap()
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


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test", "env", "nohaven"}:
        print(__doc__)
        return 2
    command, extra = sys.argv[1], sys.argv[2:]
    if command == "test":
        return test(extra)
    python = bootstrap()
    if command == "env":
        return 0
    if command == "demo":
        return _run(python, "-m", "nohaven", "demo", *extra)
    return _run(python, "-m", "nohaven", *extra)


if __name__ == "__main__":
    sys.exit(main())
