"""The languages nohaven speaks: gettext catalogues, the language of the current request, and
dates, numbers and country names in that language (docs/languages.md).

The catalogues live in ``nohaven/locales/<language>/LC_MESSAGES/messages.po``; the ``.mo``
files beside them are compiled by the build (``dev.py``, the wheel's build hook), never here.
A catalogue that is missing or older than its source is refused when first loaded, so a
stale translation cannot be served unnoticed."""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

import pycountry
from babel import Locale
from babel.core import negotiate_locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
# The language the source is written in: its catalogue is the source itself.
SOURCE_LANGUAGE = "en"
# Every language a person can choose; adding one is adding its catalogue (docs/languages.md).
LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "ar")
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur"})


class CatalogueNotCompiled(RuntimeError):
    """A language's ``.mo`` is missing or older than its ``.po``: the build was skipped."""


@dataclass
class ChosenLanguage:
    """The language of one request. Mutable on purpose: a request's context is copied into
    each worker thread, and the page's dependencies (the user's profile choice) must be able
    to change the language for the endpoint that runs after them."""

    language: str


_chosen: ContextVar[ChosenLanguage | None] = ContextVar("nohaven_language", default=None)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Marks a message for the catalogue where it is defined; it is translated where shown."""
    return message


@lru_cache(maxsize=16)
def translations(language: str) -> NullTranslations:
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if not mo.exists() or (po.exists() and po.stat().st_mtime > mo.stat().st_mtime):
        raise CatalogueNotCompiled(
            f"the {language} catalogue is not compiled or older than {po.name}; "
            "build it with: python3 dev.py env"
        )
    with mo.open("rb") as handle:
        return Translations(handle, domain=DOMAIN)


def translation_for(language: str | None) -> NullTranslations:
    """The catalogue of one language (the source language's for one nohaven does not speak):
    for text made outside a request, such as an e-mail in its recipient's language. Use its
    ``gettext``/``ngettext`` directly, or wrap the whole rendering in ``speaking(language)``
    so templates and ``gettext`` speak it too."""
    return translations(language if language in LANGUAGES else SOURCE_LANGUAGE)


def terminal_language(environ: dict[str, str], *, default: str) -> str:
    """The language a command line speaks: the person's locale (``LANGUAGE``, ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``, as gettext reads them) when nohaven speaks it, else the
    deployment's default. "C" and "POSIX" name no language."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for tag in environ.get(name, "").split(":"):
            code = tag.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
            if code in LANGUAGES:
                return code
    return default if default in LANGUAGES else SOURCE_LANGUAGE


def current_language() -> str:
    chosen = _chosen.get()
    return chosen.language if chosen is not None else SOURCE_LANGUAGE


def choose(language: str) -> None:
    """Change the current request's language (a signed-in person's own choice)."""
    chosen = _chosen.get()
    if chosen is not None and language in LANGUAGES:
        chosen.language = language


@contextmanager
def speaking(language: str) -> Iterator[ChosenLanguage]:
    """Everything inside speaks ``language``: a request, an e-mail to one recipient."""
    token = _chosen.set(ChosenLanguage(language if language in LANGUAGES else SOURCE_LANGUAGE))
    try:
        yield _chosen.get()  # type: ignore[misc]
    finally:
        _chosen.reset(token)


def gettext(message: str) -> str:
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


_ = gettext


def is_rtl(language: str) -> bool:
    return language.split("_")[0] in RIGHT_TO_LEFT


def accepted_languages(header: str) -> list[str]:
    """The languages of an Accept-Language header, most wanted first (q=0 left out)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:32]):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag.strip()))
    return [tag for _q, _p, tag in sorted(ranked)]


def negotiate(header: str, *, default: str, available: Iterable[str] = LANGUAGES) -> str:
    """The best of ``available`` for an Accept-Language header, else ``default``."""
    wanted = accepted_languages(header)
    found = negotiate_locale(wanted, list(available), sep="-") if wanted else None
    return found or default


# --- formatting in the current language ---------------------------------------------------


def _locale() -> Locale:
    return Locale.parse(current_language())


def format_when(value: date | datetime | None) -> str:
    """A date, or a time of day in UTC (which nohaven stores), as the reader's language
    writes it."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        day = format_date(aware.astimezone(UTC), format="medium", locale=_locale())
        return f"{day} {format_skeleton('Hm', aware, tzinfo=UTC, locale=_locale())} UTC"
    return format_date(value, format="medium", locale=_locale())


def format_local(value: datetime | None, *, full: bool = False) -> str:
    """A wall-clock time in a place's own zone (a meeting's local start), as the reader's
    language writes it; the zone is named beside it by the page. ``full`` spells the day out
    ("Monday 3 May 2027"), for printed documents."""
    if value is None:
        return "—"
    day = format_date(value, format="full" if full else "medium", locale=_locale())
    return f"{day} {format_skeleton('Hm', value, locale=_locale())}"


def format_number(value: float | int) -> str:
    return format_decimal(value, locale=_locale())


@lru_cache(maxsize=32)
def _iso_names(domain: str, language: str) -> stdlib_gettext.NullTranslations:
    return stdlib_gettext.translation(
        domain, pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code: str | None) -> str:
    """A country by its ISO 3166 code, named with pycountry's own translations."""
    if not code:
        return "—"
    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return code
    names = _iso_names("iso3166-1", current_language())
    # The short form people use ("Bolivia") when the language has it, else the ISO name.
    common = getattr(found, "common_name", None)
    if common and (current_language() == SOURCE_LANGUAGE or names.gettext(common) != common):
        return names.gettext(str(common))
    return names.gettext(str(found.name))


def language_name(code: str) -> str:
    """A language named in itself (the switcher shows "Français", not "French")."""
    return str(Locale.parse(code).get_display_name(code) or code)
