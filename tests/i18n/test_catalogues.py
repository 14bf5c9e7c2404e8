"""The message catalogue is what the sources say, and fr, es and ar translate all of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from nohaven.kit.i18n import LANGUAGES, LOCALES_DIR, SOURCE_LANGUAGE

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _messages(catalogue: Catalog) -> set[tuple[str, str | None]]:
    return {(str(m.id), m.context) for m in catalogue if m.id}


def test_catalogue_template_is_up_to_date(tmp_path: Path) -> None:
    """Extracting again finds exactly the committed messages (header dates aside):
    `python3 dev.py messages` brings it up to date."""
    fresh = tmp_path / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg"]
    command += ["-k", "N_", "--no-location", "--sort-output", "-o", str(fresh), "."]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    committed = _read(LOCALES_DIR / "messages.pot")
    extracted = _read(fresh)
    missing = _messages(extracted) - _messages(committed)
    stale = _messages(committed) - _messages(extracted)
    assert not missing, f"messages not in the catalogue (run python3 dev.py messages): {missing}"
    assert not stale, f"messages no longer in the sources (run python3 dev.py messages): {stale}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: str) -> None:
    path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    catalogue = _read(path, language)
    template = _read(LOCALES_DIR / "messages.pot")
    assert _messages(catalogue) == _messages(template), "run python3 dev.py messages"
    untranslated = [m.id for m in catalogue if m.id and not m.string]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not untranslated, f"{language}: no translation for {untranslated}"
    assert not fuzzy, f"{language}: translations marked fuzzy (check, then unmark): {fuzzy}"
    # Placeholders (%(name)s) the same as the message's: Babel's own checks.
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()]
    assert not problems, f"{language}: {problems}"


def test_every_language_has_its_catalogue_compiled() -> None:
    """The build compiled each catalogue (dev.py, the wheel's hook); nothing compiles them
    while serving."""
    for language in TRANSLATED:
        folder = LOCALES_DIR / language / "LC_MESSAGES"
        mo, po = folder / "messages.mo", folder / "messages.po"
        assert mo.exists(), f"{language}: no compiled catalogue"
        assert mo.stat().st_mtime >= po.stat().st_mtime, f"{language}: compiled catalogue stale"
