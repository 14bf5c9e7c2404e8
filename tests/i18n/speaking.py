"""What a page says to its reader, and the English of the catalogue left in it: the check the
page tests of every language share (docs/languages.md)."""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

from babel.messages.pofile import read_po
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Session

from nohaven.db import Base
from nohaven.kit.i18n import LANGUAGES, LOCALES_DIR, SOURCE_LANGUAGE
from nohaven.models import import_all_models

# What a person reads: text, and the labels assistive technology reads out.
READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
TRANSLATED = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]
# Not read as language: scripts, styles, and code (an audit action, a hash, a command line).
MACHINE_TEXT = {"script", "style", "code", "pre", "kbd", "samp"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|<[^>]+>")
# A stored value that is a code (an enum's value, a TLP label, a slug) rather than a name a
# person gave: codes are shown through the catalogue, so they must not be taken for data.
CODE = re.compile(r"^[a-z0-9_:.+/-]*$|^TLP:[A-Z+]+$")


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in MACHINE_TEXT:
            self._hidden += 1
        self.parts.extend(v for k, v in attrs if k in READ_ATTRIBUTES and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in MACHINE_TEXT:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _contains(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", text) is not None


@lru_cache(maxsize=8)
def english_pieces(language: str) -> tuple[str, ...]:
    """The English messages of the catalogue (or their fixed pieces around placeholders)
    that a page in ``language`` must not show, leaving out words the language itself uses
    ("Message" in French, "token" in Spanish) and messages kept as they are (TLP labels,
    standards' names)."""
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    strings: list[str] = []
    for message in catalogue:
        if message.id:
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            strings.extend(str(form) for form in forms)
    translated = " | ".join(PLACEHOLDER.sub(" ", s) for s in strings)
    pieces: set[str] = set()
    for message in catalogue:
        if not message.id or message.string == message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for english in ids:
            parts = PLACEHOLDER.split(str(english))
            for piece in parts:
                piece = " ".join(piece.split())
                if len(parts) > 1:  # a piece between placeholders: its edges are punctuation
                    piece = piece.strip(" —·:;,.()")
                if len(piece) >= 3 and not _contains(translated, piece):
                    pieces.add(piece)
    return tuple(sorted(pieces))


def english_left(text: str, language: str) -> list[str]:
    """The English messages (or their fixed pieces) found in ``text``."""
    return [piece for piece in english_pieces(language) if _contains(text, piece)]


def stored_names(session: Session) -> list[str]:
    """Every name and text people stored (an organisation's name, a meeting's title), longest
    first: they are shown as written, in whatever language they were written, so the check
    leaves them out of a page's text."""
    import_all_models()
    found: set[str] = set()
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            found.update(v for v in row if isinstance(v, str) and v.strip() and not CODE.match(v))
    return sorted(found, key=len, reverse=True)


def readable(html: str, session: Session) -> str:
    """A page's visible text without what people stored in it."""
    text = visible_text(html)
    for name in stored_names(session):
        text = text.replace(" ".join(name.split()), " ")
    return text
