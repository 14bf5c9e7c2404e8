"""Names of downloaded files that say what they hold (``nca-known-set-vics2-2026-11-29.json``)
rather than an id, and the Content-Disposition header that carries them."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from urllib.parse import quote

MAX_STEM = 80


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; accents dropped, anything else a separator."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def download_name(*parts: str, extension: str, on: date | None = None) -> str:
    """``parts`` (a list's name, a format) and the day, as one file name."""
    words = [slug(p) for p in parts if p and slug(p)]
    stem = "-".join(words)[:MAX_STEM].strip("-") or "export"
    if on is not None:
        stem = f"{stem}-{on.isoformat()}"
    return f"{stem}.{extension.lstrip('.')}"


def content_disposition(name: str, *, inline: bool = False) -> str:
    kind = "inline" if inline else "attachment"
    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "") or "download"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
