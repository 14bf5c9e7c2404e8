"""The audit API and page show entries the sealer has not reached yet, first and marked as
such, and page through sealed entries by seq."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.audit import sealing
from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from tests.factories import Factory, web_login


def test_api_lists_pending_entries_first_then_pages_sealed_ones(
    client: TestClient, db: Session, factory: Factory
) -> None:
    admin = factory.user(roles=("secretariat_admin",))
    headers = factory.headers(admin)
    for n in range(3):
        audit.record(db, actor=Actor.system("test"), action=f"test.read{n}", resource_type="x")
    sealing.seal_all(db)
    audit.record(db, actor=Actor.system("test"), action="test.pending", resource_type="x")

    first = client.get("/api/v1/audit?action=test.&limit=2", headers=headers).json()
    assert [e["action"] for e in first] == ["test.pending", "test.read2"]
    assert first[0]["seq"] is None
    assert first[0]["entry_hash"] is None
    assert first[1]["seq"] is not None
    older = client.get(
        f"/api/v1/audit?action=test.&limit=2&before_seq={first[1]['seq']}", headers=headers
    ).json()
    assert [e["action"] for e in older] == ["test.read1", "test.read0"]


def test_page_marks_pending_entries_and_reports_the_tail(
    client: TestClient, db: Session, factory: Factory
) -> None:
    web_login(client, factory.user(roles=("secretariat_admin",)))
    sealing.seal_all(db)
    audit.record(db, actor=Actor.system("test"), action="test.pending", resource_type="x")
    page = client.get("/audit?verify=true").text
    assert "The chain verifies" in page
    assert "not sealed yet" in page
