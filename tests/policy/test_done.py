"""The issue's "done when": the secretariat loads the criteria, two organisations assess and
approve, and the map, safe-haven list, profile and PDF report reflect exactly the approved
assessments — as of today and as of an earlier date."""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from nohaven.policy import criteria, worldmap
from tests.factories import csrf_from, web_login
from tests.policy.conftest import Person, at, clock_at


def pdf_text(data: bytes) -> str:
    """The text drawn in a reportlab PDF (its page streams are ASCII85 + Flate encoded)."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = match.group(1).strip()
        try:
            if raw.endswith(b"~>"):
                raw = base64.a85decode(raw.removeprefix(b"<~")[:-2])
            out.append(zlib.decompress(raw).decode("latin-1"))
        except (ValueError, zlib.error):
            continue
    return "".join(re.findall(r"\((.*?)\) Tj", "\n".join(out)))


def test_the_whole_story(
    client: TestClient, person: Callable[..., Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    secretariat = person(roles=("secretariat_admin",))
    web_login(client, secretariat.user)
    token = csrf_from(client.get("/policy/criteria").text)
    loaded = client.post(
        "/policy/criteria",
        data={"csrf_token": token},
        files={"file": ("criteria-v1.json", criteria.shipped_text().encode(), "text/json")},
    )
    assert 'id="framework-version">1<' in loaded.text
    client.cookies.clear()

    uk, ec = person(country="GB"), person(country=None)

    def assess_and_approve(country: str, key: str, status: str) -> None:
        client.cookies.clear()
        web_login(client, uk.user)
        token = csrf_from(client.get(f"/policy/countries/{country}").text)
        response = client.post(
            f"/policy/countries/{country}/assessments",
            data={"csrf_token": token, "criterion_key": key, "status": status, "submit": "1"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        client.cookies.clear()
        web_login(client, ec.user)
        review = client.get("/policy/review").text
        [aid] = re.findall(r'action="/policy/assessments/(\w+)/approve"', review)
        done = client.post(
            f"/policy/assessments/{aid}/approve",
            data={"csrf_token": csrf_from(review)},
            follow_redirects=False,
        )
        assert done.status_code == 303

    with clock_at(monkeypatch, at(2024, 4, 1)):
        assess_and_approve("KE", "provider_reporting", "not_met")
        assess_and_approve("GH", "csam_definition", "met")
    with clock_at(monkeypatch, at(2025, 4, 1)):
        assess_and_approve("KE", "provider_reporting", "met")

    def fill(html: str, code: str) -> str:
        found = re.search(rf'data-country="{code}" fill="(#[0-9a-f]{{6}})"', html)
        assert found
        return found.group(1)

    def havens(html: str) -> str:
        return html.split('id="safe-havens"')[1].split("</table>")[0]

    # Today: Kenya meets provider reporting, so it is no safe haven.
    by_criterion = client.get("/policy?criterion=provider_reporting").text
    assert fill(by_criterion, "KE") == worldmap.STATUS_FILL["met"]
    assert fill(by_criterion, "GH") == worldmap.UNKNOWN_FILL
    assert "Kenya" not in havens(client.get("/policy/gaps").text)
    profile = client.get("/policy/countries/KE").text
    assert "none" in profile.split('id="core-failed"')[1].split("</dd>")[0]
    assert pdf_text(client.get("/policy/report.pdf").content).count("Kenya") == 1

    # As of the end of 2024: Kenya failed a core criterion.
    earlier = client.get("/policy?criterion=provider_reporting&as_of=2024-12-31").text
    assert fill(earlier, "KE") == worldmap.STATUS_FILL["not_met"]
    assert "Kenya" in havens(client.get("/policy/gaps?as_of=2024-12-31").text)
    profile = client.get("/policy/countries/KE?as_of=2024-12-31").text
    assert "provider reporting" in profile.split('id="core-failed"')[1].split("</dd>")[0]
    text = pdf_text(client.get("/policy/report.pdf?as_of=2024-12-31").content)
    assert text.count("Kenya") == 2  # in the safe-haven table and among assessed countries
    # Before anything was approved, nothing is coloured.
    first = client.get("/policy?as_of=2024-03-31").text
    assert fill(first, "KE") == fill(first, "GH") == worldmap.UNKNOWN_FILL
