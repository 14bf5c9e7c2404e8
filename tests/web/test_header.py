"""The header names the signed-in person by their name; the address stays on the account page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import Factory, web_login


def test_the_header_shows_the_persons_name(client: TestClient, factory: Factory) -> None:
    user = factory.user(factory.organisation("Header Agency"), email="ana.header@example.org")
    user.display_name = "Ana Header"
    factory.session.flush()
    web_login(client, user)
    page = client.get("/").text
    header = page[page.index('<div class="who">') : page.index("</header>")]
    assert "Ana Header" in header
    assert "ana.header@example.org" not in header
    assert "ana.header@example.org" in client.get("/account").text
