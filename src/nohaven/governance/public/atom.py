"""An Atom feed (RFC 4287) of published statements, built with ElementTree so that every
value is escaped."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET  # builds, never parses: no untrusted XML here

from nohaven.governance.statements.service import PublishedStatement

NS = "http://www.w3.org/2005/Atom"


def _text(parent: ET.Element, tag: str, value: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = value
    return element


def feed(
    items: list[PublishedStatement], *, title: str, base_url: str, self_path: str, updated: datetime
) -> bytes:
    root = ET.Element("feed", {"xmlns": NS})
    _text(root, "title", title)
    _text(root, "id", base_url + self_path)
    ET.SubElement(root, "link", {"rel": "self", "href": base_url + self_path})
    newest = max(
        (i.statement.published_at for i in items if i.statement.published_at), default=None
    )
    _text(root, "updated", (newest or updated).isoformat())
    for item in items:
        s = item.statement
        url = f"{base_url}/public/statements/{s.slug}"
        entry = ET.SubElement(root, "entry")
        _text(entry, "title", s.title)
        _text(entry, "id", url)
        ET.SubElement(entry, "link", {"rel": "alternate", "href": url})
        stamp = (s.published_at or updated).isoformat()
        _text(entry, "published", stamp)
        _text(entry, "updated", stamp)
        author = ET.SubElement(entry, "author")
        _text(author, "name", item.body.name)
        signed = ", ".join(o.name for o in item.signatories)
        _text(entry, "summary", f"Signed by {signed}." if signed else item.body.name)
        _text(entry, "content", item.text, type="text")
    body: bytes = ET.tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body
