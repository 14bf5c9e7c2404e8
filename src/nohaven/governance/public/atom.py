"""An Atom feed (RFC 4287) of published statements, built with ElementTree so that every
value is escaped. A statement in several languages is one entry per language, each marked with
``xml:lang`` and linking to the others with ``hreflang`` (docs/languages.md); the feed's own
words are in the reader's language."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET  # builds, never parses: no untrusted XML here

from nohaven.governance.statements.languages import LanguageText
from nohaven.governance.statements.service import PublishedStatement
from nohaven.kit.i18n import gettext as _

NS = "http://www.w3.org/2005/Atom"
# ElementTree writes the XML namespace's attributes as xml:lang.
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _text(parent: ET.Element, tag: str, value: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = value
    return element


def _entry(
    root: ET.Element,
    item: PublishedStatement,
    text: LanguageText,
    texts: list[LanguageText],
    *,
    base_url: str,
    updated: datetime,
) -> None:
    s = item.statement
    page = f"{base_url}/public/statements/{s.slug}"
    url = page if text.original else f"{page}/{text.language}"
    entry = ET.SubElement(root, "entry", {XML_LANG: text.language})
    _text(entry, "title", text.title)
    _text(entry, "id", url)
    ET.SubElement(entry, "link", {"rel": "alternate", "href": url, "hreflang": text.language})
    for other in texts:
        if other is not text:
            href = page if other.original else f"{page}/{other.language}"
            ET.SubElement(
                entry, "link", {"rel": "alternate", "href": href, "hreflang": other.language}
            )
    stamp = (s.published_at or updated).isoformat()
    _text(entry, "published", stamp)
    _text(entry, "updated", stamp)
    author = ET.SubElement(entry, "author")
    _text(author, "name", item.body.name)
    signed = ", ".join(o.name for o in item.signatories)
    standing = _("Official text.") if text.official else _("Translation.")
    summary = _("Signed by %(names)s.") % {"names": signed} if signed else item.body.name
    _text(entry, "summary", f"{summary} {standing}")
    _text(entry, "content", text.text, type="text")


def feed(
    items: list[tuple[PublishedStatement, list[LanguageText]]],
    *,
    title: str,
    language: str,
    base_url: str,
    self_path: str,
    updated: datetime,
) -> bytes:
    root = ET.Element("feed", {"xmlns": NS, XML_LANG: language})
    _text(root, "title", title)
    _text(root, "id", base_url + self_path)
    ET.SubElement(root, "link", {"rel": "self", "href": base_url + self_path})
    newest = max(
        (i.statement.published_at for i, _texts in items if i.statement.published_at),
        default=None,
    )
    _text(root, "updated", (newest or updated).isoformat())
    for item, texts in items:
        for text in texts:
            _entry(root, item, text, texts, base_url=base_url, updated=updated)
    body: bytes = ET.tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body
