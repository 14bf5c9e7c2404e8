"""The pages a visitor and a signed-in person read first, rendered in French, Spanish and
Arabic, show no English sentence of the catalogue: every word of theirs is translated."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.governance.statements.models import Statement
from nohaven.members import invitations
from nohaven.members.models import UserRole
from nohaven.members.schemas import InvitationCreate
from tests.factories import Factory, csrf_from, web_login
from tests.governance.conftest import Seats
from tests.i18n.speaking import TRANSLATED, english_left, readable

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
    client: TestClient, db: Session, seats: Seats, published: Statement, language: str
) -> None:
    client.cookies.set("nohaven_lang", language)
    for name, page in _pages(seats, published).items():
        html = page(client)
        assert f'<html lang="{language}"' in html, name
        text = readable(html, db)
        assert english_left(text, language) == [], f"{name} in {language}: {text}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_account_pages_have_no_english_left(
    client: TestClient, db: Session, factory: Factory, seats: Seats, language: str
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
        text = readable(html, db)
        assert english_left(text, language) == [], f"{name} in {language}: {text}"


def test_the_check_finds_english() -> None:
    """The check itself: an English message on a French page is caught, a translated one not."""
    assert "Write to the secretariat" in english_left("Membres · Write to the secretariat", "fr")
    assert english_left("Membres · Écrire au secrétariat", "fr") == []
    assert english_left("Publiée le 3 mai 2027 par Test Taskforce", "fr") == []
    assert english_left("Published 3 May 2027 by X", "fr") == ["Published"]


def test_stored_names_are_not_english_left(db: Session, seats: Seats) -> None:
    """A name people gave ("Chair Agency") is shown as written; a code shown untranslated
    ("chair" as a role) is still caught."""
    html = "<p>Présidence : Chair Agency · chair</p>"
    assert "Chair Agency" not in readable(html, db)
    assert english_left(readable(html, db), "fr") == ["chair"]
