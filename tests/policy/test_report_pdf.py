"""The gap-analysis PDF read back with pypdf: the map is drawn in the countries' colours, every
page is numbered, criteria go by their human names, and what was not assessed is said once
instead of filling an "unknown" column."""

from __future__ import annotations

import io
from collections.abc import Callable

from fastapi.testclient import TestClient
from pypdf import PdfReader
from pypdf.generic import ContentStream
from sqlalchemy.orm import Session

from nohaven.policy import criteria, worldmap
from nohaven.policy.models import Framework
from tests.factories import web_login
from tests.policy.conftest import Person, approved


def _fill_colours(reader: PdfReader, page: int) -> list[tuple[float, ...]]:
    """The fill colours (``rg`` operators) set on a page, in order."""
    stream = ContentStream(reader.pages[page].get_contents(), reader)
    return [
        tuple(round(float(n), 3) for n in operands)
        for operands, operator in stream.operations
        if operator == b"rg"
    ]


def _rgb(hex_colour: str) -> tuple[float, ...]:
    return tuple(round(int(hex_colour[i : i + 2], 16) / 255, 3) for i in (1, 3, 5))


def test_the_pdf_shows_the_map_page_numbers_and_criteria_by_name(
    client: TestClient, framework: Framework, person: Callable[..., Person], db: Session
) -> None:
    a, b = person(), person(country="FR")
    for key in [c.key for c in framework.criteria]:
        approved(db, a, b, "KE", key, "not_met")
    approved(db, a, b, "GH", "provider_reporting", "met")
    web_login(client, a.user)
    response = client.get("/policy/report.pdf")
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    texts = [page.extract_text() for page in reader.pages]
    for number, text in enumerate(texts, start=1):
        assert f"Page {number}" in text
    everything = " ".join(" ".join(texts).split())  # lines as wrapped run on
    # Human names, never keys with underscores.
    for criterion in framework.criteria:
        assert criteria.name_of(criterion) in everything
    assert "provider_reporting" not in everything
    assert "provider reporting" not in everything
    # What was not assessed is said once; no column counts it on every line.
    assert everything.count("not assessed and are") == 1
    assert "2 of " in everything
    assert "Unknown" not in everything
    # Ghana answered one criterion only: the missing answers are counted once, as gaps.
    assert f"{len(framework.criteria) - 1} answers to single criteria are still" in everything
    # The map: one filled shape per outline of the 184 countries, Kenya (nothing met) in the
    # lowest band's colour, the countries not assessed in grey.
    fills = _fill_colours(reader, 0)
    assert len(fills) > 1000
    assert _rgb(worldmap.SCORE_BANDS[0][1]) in fills
    assert _rgb(worldmap.UNKNOWN_FILL) in fills
    # The page version of the report says the same, the same way.
    html = client.get("/policy/report").text
    assert html.count("are not assessed and are left out") == 1
    assert ">Unknown<" not in html
    assert criteria.NAMES["provider_reporting"] in html


def test_the_pdf_speaks_the_readers_language_left_to_right_only(
    client: TestClient, framework: Framework, person: Callable[..., Person], db: Session
) -> None:
    """French for a French reader; an Arabic reader gets English, which the PDF's font can
    write (docs/languages.md)."""
    a, b = person(), person(country="FR")
    approved(db, a, b, "KE", framework.criteria[0].key, "not_met")
    web_login(client, a.user)

    def words(language: str) -> str:
        client.cookies.set("nohaven_lang", language)
        reader = PdfReader(io.BytesIO(client.get("/policy/report.pdf").content))
        return " ".join(" ".join(page.extract_text() for page in reader.pages).split())

    french = words("fr")
    assert "Analyse des lacunes législatives" in french
    assert "Page 1" in french
    assert "Kenya" in french
    arabic = words("ar")
    assert "Legislative gap analysis" in arabic
