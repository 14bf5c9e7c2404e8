"""A statement in several languages: each text marked official or translation, set through
the policy and audited; the public page offers every language with `hreflang`, and the Atom
feed has an entry per language with its `xml:lang`."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit.models import AuditEntry
from nohaven.errors import Forbidden, InvalidInput, NotFound
from nohaven.governance import flows
from nohaven.governance.motions import service as voting
from nohaven.governance.statements import languages, service
from nohaven.governance.statements.models import Statement
from nohaven.kit.clock import utcnow
from tests.factories import csrf_from, web_login
from tests.governance.conftest import Seats

ATOM = {"a": "http://www.w3.org/2005/Atom"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _published(db: Session, seats: Seats) -> Statement:
    statement = service.create_statement(
        db,
        actor=seats.actor("a"),
        body_id=seats.body.id,
        title="On safety by design",
        text="Providers design for safety.",
        language="en",
    )
    motion = flows.table_motion(
        db,
        actor=seats.actor("chair"),
        body_id=seats.body.id,
        title="Adopt it",
        closes_at=utcnow() + timedelta(days=1),
        statement_id=statement.id,
    )
    for who in ("chair", "a", "b"):
        voting.cast_vote(db, actor=seats.actor(who), motion_id=motion.id, option="yes")
    flows.close_motion(db, actor=seats.actor("chair"), motion_id=motion.id)
    service.publish(db, actor=seats.actor("chair"), statement_id=statement.id)
    return statement


def _texts(db: Session, seats: Seats, statement: Statement) -> None:
    languages.set_text(
        db,
        actor=seats.actor("chair"),
        statement_id=statement.id,
        language="fr",
        title="Sur la sécurité dès la conception",
        text="Les fournisseurs conçoivent pour la sécurité.",
        official=True,
    )
    languages.set_text(
        db,
        actor=seats.actor("b"),
        statement_id=statement.id,
        language="ar",
        title="بشأن السلامة منذ التصميم",
        text="يصمم مقدمو الخدمات من أجل السلامة.",
        official=False,
    )


def test_texts_are_marked_official_or_translation_and_audited(db: Session, seats: Seats) -> None:
    statement = _published(db, seats)
    _texts(db, seats, statement)
    texts = languages.published_texts(db, statement)
    assert [(t.language, t.official, t.original) for t in texts] == [
        ("en", True, True),
        ("fr", True, False),
        ("ar", False, False),
    ]
    logged = db.scalars(
        select(AuditEntry.summary).where(
            AuditEntry.action == "statement.language", AuditEntry.resource_id == statement.id
        )
    ).all()
    assert len(logged) == 2
    assert languages.chosen(texts, "ar").text.startswith("يصمم")
    assert languages.chosen(texts, "es").language == "en"  # no Spanish: the adopted text


def test_the_policy_decides_who_sets_a_text(db: Session, seats: Seats) -> None:
    statement = _published(db, seats)
    # A member's delegate may translate, but only an officer makes a text official.
    with pytest.raises(Forbidden):
        languages.set_text(
            db,
            actor=seats.actor("a"),
            statement_id=statement.id,
            language="es",
            title="Sobre la seguridad",
            text="Texto.",
            official=True,
        )
    languages.set_text(
        db,
        actor=seats.actor("chair"),
        statement_id=statement.id,
        language="es",
        title="Sobre la seguridad",
        text="Texto.",
        official=True,
    )
    with pytest.raises(Forbidden):  # nor demotes one
        languages.set_text(
            db,
            actor=seats.actor("a"),
            statement_id=statement.id,
            language="es",
            title="Sobre la seguridad",
            text="Otro texto.",
            official=False,
        )
    # Outside the body, the statement does not exist.
    with pytest.raises(NotFound):
        languages.set_text(
            db,
            actor=seats.actor("outsider"),
            statement_id=statement.id,
            language="fr",
            title="T",
            text="T",
            official=False,
        )
    for language in ("de", "en"):  # not spoken; the statement's own language
        with pytest.raises(InvalidInput):
            languages.set_text(
                db,
                actor=seats.actor("chair"),
                statement_id=statement.id,
                language=language,
                title="T",
                text="T",
                official=False,
            )


def test_public_page_offers_each_language(client: TestClient, db: Session, seats: Seats) -> None:
    statement = _published(db, seats)
    _texts(db, seats, statement)
    page = f"/public/statements/{statement.slug}"
    english = client.get(page)
    assert "Providers design for safety." in english.text
    for code, href in (("en", page), ("fr", f"{page}/fr"), ("ar", f"{page}/ar")):
        assert f'<link rel="alternate" hreflang="{code}" href="{href}">' in english.text
    arabic = client.get(f"{page}/ar")
    assert '<article lang="ar" dir="rtl">' in arabic.text
    assert "يصمم مقدمو الخدمات" in arabic.text
    # The reader's language picks the text at the plain address.
    client.cookies.set("nohaven_lang", "fr")
    french = client.get(page)
    assert "Les fournisseurs conçoivent pour la sécurité." in french.text
    assert "texte officiel" in french.text
    assert client.get(f"{page}/es").status_code == 404


def test_feed_has_an_entry_per_language(client: TestClient, db: Session, seats: Seats) -> None:
    statement = _published(db, seats)
    _texts(db, seats, statement)
    root = ET.fromstring(client.get("/public/statements.atom").content)  # noqa: S314 - ours
    entries = root.findall("a:entry", ATOM)
    assert [e.get(XML_LANG) for e in entries] == ["en", "fr", "ar"]
    french = entries[1]
    assert french.findtext("a:title", namespaces=ATOM) == "Sur la sécurité dès la conception"
    links = {link.get("hreflang"): link.get("href") for link in french.findall("a:link", ATOM)}
    assert set(links) == {"en", "fr", "ar"}
    assert str(links["fr"]).endswith(f"/public/statements/{statement.slug}/fr")


def test_statement_page_adds_a_language(client: TestClient, db: Session, seats: Seats) -> None:
    statement = _published(db, seats)
    web_login(client, seats.users["chair"])
    page = client.get(f"/statements/{statement.id}")
    saved = client.post(
        f"/statements/{statement.id}/languages",
        data={
            "csrf_token": csrf_from(page.text),
            "language": "es",
            "title": "Sobre la seguridad desde el diseño",
            "text": "Los proveedores diseñan para la seguridad.",
            "official": "true",
        },
    )
    assert saved.status_code == 200  # followed the redirect back to the statement
    assert "Sobre la seguridad desde el diseño" in saved.text
    assert "text in that language is saved" in saved.text
    refused = client.post(
        f"/statements/{statement.id}/languages",
        data={"csrf_token": csrf_from(page.text), "language": "xx", "title": "T", "text": "T"},
    )
    assert refused.status_code == 422
