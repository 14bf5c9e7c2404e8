"""The lock files: a production install (requirements.lock) pulls no test or lint tool, the dev
lock holds the runtime pins unchanged, and both are current with pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

# Tools that belong to development only, whether the project names them or they come along
# as their dependencies.
DEV_ONLY = {
    "pytest",
    "pytest-xdist",
    "hypothesis",
    "mypy",
    "ruff",
    "playwright",
    "schemathesis",
    "threatexchange",
    "hatchling",
    "editables",
    "types-qrcode",
}

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _blocks(lock: Path) -> list[str]:
    """One block per pinned package: its pin line, hashes and 'via' comments."""
    return re.split(r"\n(?=[A-Za-z0-9])", lock.read_text())


def _pins(lock: Path) -> dict[str, set[str]]:
    """Name -> versions (a universal lock may pin one package per Python or platform)."""
    pins: dict[str, set[str]] = {}
    for name, version in _PIN.findall(lock.read_text()):
        pins.setdefault(_normalise(name), set()).add(version)
    return pins


def _direct(lock: Path) -> set[str]:
    """Names the lock says it pinned because pyproject.toml asked for them."""
    direct = set()
    for block in _blocks(lock):
        pin = _PIN.match(block)
        if pin and "nohaven (pyproject.toml)" in block:
            direct.add(_normalise(pin.group(1)))
    return direct


def _requirement_names(requirements: list[str]) -> set[str]:
    return {_normalise(re.split(r"[\s;<>=!~\[]", req, maxsplit=1)[0]) for req in requirements}


def _header_command(lock: Path) -> str:
    lines = lock.read_text().splitlines()
    return lines[1].removeprefix("#").strip()


def test_the_runtime_lock_holds_no_development_tool() -> None:
    runtime = _pins(RUNTIME_LOCK)
    assert not DEV_ONLY & runtime.keys()
    dev_extra = _requirement_names(PYPROJECT["project"]["optional-dependencies"]["dev"])
    assert not dev_extra & runtime.keys()
    # What the dev tools pull in only (iniconfig for pytest, say) stays out too.
    dev_only_pins = _pins(DEV_LOCK).keys() - runtime.keys()
    assert {"pytest", "iniconfig", "mypy", "playwright", "schemathesis"} <= dev_only_pins


def test_each_lock_is_current_with_pyproject() -> None:
    runtime = _pins(RUNTIME_LOCK)
    dev = _pins(DEV_LOCK)
    wanted_runtime = _requirement_names(PYPROJECT["project"]["dependencies"])
    wanted_dev = _requirement_names(PYPROJECT["project"]["optional-dependencies"]["dev"])
    # The packages each lock pins for pyproject.toml are exactly the ones it names now: a
    # dependency added, dropped or moved between runtime and dev without a recompile fails.
    assert _direct(RUNTIME_LOCK) == wanted_runtime
    assert _direct(DEV_LOCK) == wanted_runtime | wanted_dev
    # Every pin of the runtime lock is in the dev lock at the same version, so tests run on
    # exactly what production installs.
    for name, versions in runtime.items():
        assert dev.get(name) == versions, name
    # Each file says how it was made, and the dev lock is made against the runtime pins.
    assert _header_command(RUNTIME_LOCK) == (
        "uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes"
        " -o requirements.lock"
    )
    assert _header_command(DEV_LOCK) == (
        "uv pip compile pyproject.toml --extra dev --universal --python-version 3.11"
        " --generate-hashes -c requirements.lock -o requirements-dev.lock"
    )


def test_every_pin_carries_a_hash() -> None:
    for lock in (RUNTIME_LOCK, DEV_LOCK):
        for block in _blocks(lock):
            if _PIN.match(block):
                assert "--hash=sha256:" in block, f"{lock.name}: {block.splitlines()[0]}"
