"""The pages a visitor and a signed-in person read first, rendered in French, Spanish and
Arabic, show no English sentence of the catalogue: every word of theirs is translated."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from nohaven.governance.statements.models import Statement
from nohaven.kit.i18n import LANGUAGES, LOCALES_DIR, SOURCE_LANGUAGE
from nohaven.members import invitations
from nohaven.members.models import UserRole
from nohaven.members.schemas import InvitationCreate
from tests.factories import Factory, csrf_from, web_login
from tests.governance.conftest import Seats

# What a person reads: text, and the labels assistive technology reads out.
READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
TRANSLATED = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|<[^>]+>")


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        self.parts.extend(v for k, v in attrs if k in READ_ATTRIBUTES and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _catalogue(language: str) -> Catalog:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _contains(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", text) is not None


def english_left(text: str, language: str) -> list[str]:
    """The English messages (or their fixed pieces around placeholders) found in ``text``,
    leaving out words the language itself uses ("Message" in French, "token" in Spanish)."""
    catalogue = _catalogue(language)
    translated = " | ".join(str(m.string) for m in catalogue if m.id)
    found = []
    for message in catalogue:
        if not message.id or message.string == message.id:
            continue
        pieces = PLACEHOLDER.split(str(message.id))
        for piece in pieces:
            piece = " ".join(piece.split())
            if len(pieces) > 1:  # a piece between placeholders: its edges are punctuation
                piece = piece.strip(" —·:;,.")
            if len(piece) < 3 or _contains(translated, piece):
                continue
            if _contains(text, piece):
                found.append(piece)
    return found


Page = Callable[[TestClient], str]


def _pages(seats: Seats, published: Statement) -> dict[str, Page]:
    slug = seats.body.slug
    admin = seats.actor("admin")
    invited = invitations.invite_user(
        seats.factory.session,
        actor=admin,
        data=InvitationCreate(
            email="new@example.org", organisation_id=seats.a.id, roles=[UserRole.DELEGATE]
        ),
        valid_days=7,
    )

    def reset_asked(client: TestClient) -> str:
        form = client.get("/password-reset")
        data = {"csrf_token": csrf_from(form.text), "email": "nobody@example.org"}
        return client.post("/password-reset", data=data).text

    def invitation_refused(client: TestClient) -> str:
        form = client.get(f"/invitations/{invited.token}")
        data = {
            "csrf_token": csrf_from(form.text),
            "display_name": "New",
            "password": "a long enough password",
            "password_again": "another long password",
        }
        return client.post(f"/invitations/{invited.token}", data=data).text

    def contact_refused(client: TestClient) -> str:
        form = client.get(f"/public/bodies/{slug}/contact")
        data = {"csrf_token": csrf_from(form.text), "form_token": "x", "name": "", "email": "a"}
        return client.post(f"/public/bodies/{slug}/contact", data=data).text

    return {
        "login": lambda c: c.get("/login").text,
        "body": lambda c: c.get(f"/public/bodies/{slug}").text,
        "statement": lambda c: c.get(f"/public/statements/{published.slug}").text,
        "contact": lambda c: c.get(f"/public/bodies/{slug}/contact").text,
        "contact refused": contact_refused,
        "not found": lambda c: c.get("/public/bodies/no-such-body").text,
        "invitation": lambda c: c.get(f"/invitations/{invited.token}").text,
        "password reset": lambda c: c.get("/password-reset").text,
        "password reset sent": reset_asked,
        "password reset link gone": lambda c: c.get("/password-reset/no-such-link").text,
        "invitation refused": invitation_refused,
    }


@pytest.mark.parametrize("language", TRANSLATED)
def test_public_pages_have_no_english_left(
    client: TestClient, seats: Seats, published: Statement, language: str
) -> None:
    client.cookies.set("nohaven_lang", language)
    for name, page in _pages(seats, published).items():
        html = page(client)
        assert f'<html lang="{language}"' in html, name
        text = visible_text(html)
        assert english_left(text, language) == [], f"{name} in {language}: {text}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_account_pages_have_no_english_left(
    client: TestClient, factory: Factory, seats: Seats, language: str
) -> None:
    org = factory.organisation("Agency Z")
    user = factory.user(org, roles=("org_admin", "delegate"))
    user.display_name = "Zanele Okafor"  # pages name people: a name, not English to translate
    factory.session.flush()
    web_login(client, user)
    client.headers["Accept-Language"] = language
    tokens = client.get("/tokens")
    created = client.post(
        "/tokens",
        data={
            "name": "feed",
            "days": "30",
            "scopes": ["read"],
            "csrf_token": csrf_from(tokens.text),
        },
    )
    refused = client.post(
        "/account/password",
        data={
            "current": "wrong",
            "new": "x" * 12,
            "again": "y" * 12,
            "csrf_token": csrf_from(tokens.text),
        },
    )
    assert refused.status_code == 422
    for name, html in {
        "account": client.get("/account").text,
        "directory": client.get("/directory").text,
        "tokens": created.text,
        "refused password": refused.text,
    }.items():
        text = visible_text(html)
        assert english_left(text, language) == [], f"{name} in {language}: {text}"


def test_the_check_finds_english() -> None:
    """The check itself: an English message on a French page is caught, a translated one not."""
    assert "Write to the secretariat" in english_left("Membres · Write to the secretariat", "fr")
    assert english_left("Membres · Écrire au secrétariat", "fr") == []
    assert english_left("Publiée le 3 mai 2027 par Test Taskforce", "fr") == []
    assert english_left("Published 3 May 2027 by X", "fr") == ["Published"]
