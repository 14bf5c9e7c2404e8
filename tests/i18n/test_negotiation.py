"""Which language a request is answered in: API problems by Accept-Language, pages by the
switcher, the person's profile, the browser and the deployment's default."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.kit.i18n import accepted_languages, negotiate
from nohaven.main import create_app
from tests.factories import Factory, csrf_from, web_login
from tests.governance.conftest import Seats


@pytest.mark.parametrize(
    ("header", "title", "detail"),
    [
        ("fr-CH, fr;q=0.9, en;q=0.8", "Authentification requise", "Envoyez un jeton d'API"),
        ("es-AR,es;q=0.9", "Autenticación requerida", "Envíe un token de API"),
        ("ar-AE", "المصادقة مطلوبة", "أرسل رمز API"),
        ("de-DE, en;q=0.5", "Authentication required", "Send an API token"),
        ("", "Authentication required", "Send an API token"),
    ],
)
def test_api_problem_speaks_the_accept_language(
    client: TestClient, header: str, title: str, detail: str
) -> None:
    response = client.get("/api/v1/organisations", headers={"Accept-Language": header})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == title
    assert problem["detail"].startswith(detail)
    assert problem["type"].endswith("/not-authenticated")  # the type never changes


def test_api_not_found_in_french(client: TestClient, factory: Factory) -> None:
    org = factory.organisation("Agence A")
    user = factory.user(org, roles=("analyst",))
    headers = {**factory.headers(user, scopes=("read",)), "Accept-Language": "fr"}
    response = client.get("/api/v1/no-such-route", headers=headers)
    assert (response.status_code, response.json()["title"]) == (404, "Introuvable")


def test_accept_language_quality_order() -> None:
    assert accepted_languages("en;q=0.2, ar, fr;q=0.5, es;q=0") == ["ar", "fr", "en"]
    assert negotiate("pt-BR, es;q=0.8", default="en") == "es"
    assert negotiate("pt-BR", default="fr") == "fr"
    assert negotiate("*;q=0.1", default="ar") == "ar"
    assert negotiate("garbage;q=x, fr", default="en") == "fr"


def test_public_page_negotiates_and_offers_a_switcher(client: TestClient, seats: Seats) -> None:
    page = client.get(f"/public/bodies/{seats.body.slug}", headers={"Accept-Language": "fr"})
    assert '<html lang="fr" dir="ltr">' in page.text
    assert "<h2>Membres</h2>" in page.text
    assert "Accept-Language" in page.headers["vary"]
    # The switcher: one link per language, named in that language, the current one marked.
    assert 'hreflang="ar"' in page.text
    assert ">العربية</a>" in page.text
    assert 'hreflang="fr" aria-current="true">français</a>' in page.text
    switched = client.get(
        f"/public/bodies/{seats.body.slug}?lang=es", headers={"Accept-Language": "fr"}
    )
    assert "<h2>Miembros</h2>" in switched.text
    assert "nohaven_lang=es" in switched.headers["set-cookie"]
    # The choice is remembered over the browser's languages on the next page.
    contact = client.get(
        f"/public/bodies/{seats.body.slug}/contact", headers={"Accept-Language": "fr"}
    )
    assert "Contactar con la secretaría de Test Taskforce" in contact.text


def test_deployment_default_when_the_browser_names_nothing_we_speak(
    settings: Settings, engine: object, session_factory: object, seats: Seats
) -> None:
    app = create_app(settings.model_copy(update={"default_language": "ar"}), engine=engine)  # type: ignore[arg-type]
    app.state.sessionmaker = session_factory
    with TestClient(app, base_url="https://testserver") as client:
        page = client.get(f"/public/bodies/{seats.body.slug}", headers={"Accept-Language": "de"})
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "الأعضاء" in page.text


def test_unknown_default_language_is_refused(settings: Settings) -> None:
    with pytest.raises(ValueError, match="NOHAVEN_DEFAULT_LANGUAGE must be one of en, fr"):
        Settings.model_validate({**settings.model_dump(), "default_language": "xx"})


def test_profile_language_wins_over_the_browser(
    client: TestClient, factory: Factory, db: Session
) -> None:
    org = factory.organisation("Agencia B")
    user = factory.user(org, roles=("delegate",))
    web_login(client, user)
    account = client.get("/account", headers={"Accept-Language": "fr"})
    assert "<h1>Votre compte</h1>" in account.text
    saved = client.post(
        "/account/language",
        data={"language": "ar", "csrf_token": csrf_from(account.text)},
        headers={"Accept-Language": "fr"},
    )
    assert saved.status_code == 200
    assert '<html lang="ar" dir="rtl">' in saved.text
    assert "تم حفظ اللغة." in saved.text  # the flash message, in the new language
    db.refresh(user)
    assert user.language == "ar"
    again = client.get("/tokens", headers={"Accept-Language": "es"})
    assert "<h1>رموز API</h1>" in again.text
    refused = client.post(
        "/account/language",
        data={"language": "xx", "csrf_token": csrf_from(again.text)},
    )
    assert refused.status_code == 422
    assert "لا يتحدث nohaven هذه اللغة." in refused.text
    # Back to the browser's choice.
    client.post("/account/language", data={"language": "", "csrf_token": csrf_from(again.text)})
    db.refresh(user)
    assert user.language is None
    assert "<h1>Su cuenta</h1>" in client.get("/account", headers={"Accept-Language": "es"}).text


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("fr", "Motion introuvable."),
        ("es", "No existe esa moción."),
        ("ar", "لا يوجد هذا المقترح."),
    ],
)
def test_a_domain_refusal_speaks_the_accept_language(
    client: TestClient, factory: Factory, language: str, detail: str
) -> None:
    """A fixed sentence a service raises (marked with N_) reaches the API in the reader's
    language; its type stays the same."""
    org = factory.organisation("Agence A")
    user = factory.user(org, roles=("delegate",))
    headers = {**factory.headers(user, scopes=("read",)), "Accept-Language": language}
    problem = client.get("/api/v1/motions/no-such-motion", headers=headers).json()
    assert problem["detail"] == detail
    assert problem["type"].endswith("/not-found")
