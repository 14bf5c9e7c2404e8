"""Build step: compile the gettext catalogues (``.po`` -> ``.mo``) under ``nohaven/locales``.

Run by ``dev.py`` (each bootstrap, test and demo run), by the wheel's build hook
(``hatch_build.py``) and by the test suite before it starts; never while serving. Only a
catalogue whose ``.mo`` is missing or older than its ``.po`` is written again. This module
imports nothing of nohaven, so the build hook can load it from its file."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def compile_catalogues(locales_dir: Path = LOCALES_DIR, *, force: bool = False) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/*.po`` whose ``.mo`` is missing or stale."""
    written = []
    for po in sorted(locales_dir.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parent.parent.name)
        # Written beside and renamed, so a server reading the old one never sees half a file.
        partial = mo.with_suffix(".mo.partial")
        with partial.open("wb") as target:
            write_mo(target, catalogue)
        partial.replace(mo)
        written.append(mo)
    return written


if __name__ == "__main__":
    done = compile_catalogues(force="--force" in sys.argv)
    sys.stdout.write("".join(f"compiled {path.relative_to(LOCALES_DIR)}\n" for path in done))
