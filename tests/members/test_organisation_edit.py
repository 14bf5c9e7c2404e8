"""Organisations are edited in the page by those the policy lets (the secretariat; an org
admin their own), audited, with form errors that keep what was typed."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit.models import AuditEntry
from tests.factories import Factory, csrf_from, web_login


def test_secretariat_edits_an_organisation(
    client: TestClient, db: Session, factory: Factory
) -> None:
    org = factory.organisation("Editable Agency")
    factory.organisation("Taken Name")
    web_login(client, factory.user(roles=("secretariat_admin",)))
    url = f"/organisations/{org.id}"
    page = client.get(url)
    assert 'id="edit"' in page.text
    token = csrf_from(page.text)
    saved = client.post(
        url,
        data={
            "name": "Edited Agency",
            "short_name": "EA",
            "country": "France",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    after = client.get(saved.headers["location"]).text
    assert "Edited Agency saved." in after
    db.refresh(org)
    assert (org.name, org.short_name, org.country) == ("Edited Agency", "EA", "FR")
    entry = db.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "organisation.update", AuditEntry.resource_id == org.id
        )
    ).one()
    assert "Edited Agency" in entry.summary

    bad = client.post(
        url, data={"name": "Edited Agency", "country": "Atlantis", "csrf_token": token}
    )
    assert bad.status_code == 422
    assert 'value="Atlantis"' in bad.text  # kept as typed
    assert 'role="alert"' in bad.text
    clash = client.post(url, data={"name": "Taken Name", "csrf_token": token})
    assert clash.status_code == 409
    assert 'value="Taken Name"' in clash.text
    db.refresh(org)
    assert org.name == "Edited Agency"


def test_who_may_edit_follows_the_policy(client: TestClient, factory: Factory) -> None:
    org = factory.organisation("Own Agency")
    other = factory.organisation("Other Agency")
    web_login(client, factory.user(org, roles=("analyst",)))
    page = client.get(f"/organisations/{org.id}")
    assert 'id="edit"' not in page.text
    refused = client.post(
        f"/organisations/{org.id}", data={"name": "Renamed", "csrf_token": csrf_from(page.text)}
    )
    assert refused.status_code == 403
    web_login(client, factory.user(org, roles=("org_admin",)))
    own = client.get(f"/organisations/{org.id}")
    assert 'id="edit"' in own.text
    assert 'id="edit"' not in client.get(f"/organisations/{other.id}").text
