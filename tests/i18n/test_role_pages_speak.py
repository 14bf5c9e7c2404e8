"""Each role's main pages, rendered in French, Spanish and Arabic, show no English sentence of
the catalogue (names people stored aside: tests/i18n/speaking.py). One signed-in client per
role walks its pages in each language; the data is a small body with a published statement,
a meeting, an open motion and a hash list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.governance import flows
from nohaven.governance.meetings import service as meetings
from nohaven.governance.statements.models import Statement
from nohaven.kit.clock import utcnow
from nohaven.members.models import OrganisationKind
from tests.factories import web_login
from tests.governance.conftest import Seats
from tests.i18n.speaking import TRANSLATED, english_left, readable

# The pages each role reads first (what its navigation offers).
# (The inbox and the notice preferences join once the notice kinds' words are in the
# catalogue: the notifications work.)
EVERYONE = ["/", "/search?q=Test", "/directory", "/organisations", "/account"]
GOVERNANCE = ["/meetings", "/motions", "/statements", "/applications", "/progress", "/showcase"]
ROLES: dict[str, list[str]] = {
    "admin": [
        *EVERYONE,
        *GOVERNANCE,
        "/users",
        "/audit",
        "/deconfliction/secretariat",
        "/travel",
        "/policy/review",
        "/policy/criteria",
        "/policy/import",
        "/policy/maturity",
        "/peers",
        "/secretariat/mail",
    ],
    "chair": [*EVERYONE, *GOVERNANCE, "/operations"],
    "police": [
        *EVERYONE,
        "/hash-lists",
        "/hash-lookup",
        "/deconfliction",
        "/deconfliction/hits",
        "/travel",
        "/travel/new",
        "/operations",
    ],
}


@pytest.fixture
def activity(db: Session, seats: Seats, published: Statement) -> dict[str, str]:
    """A meeting and an open motion of the body, so their pages have rows to show."""
    meeting = meetings.schedule_meeting(
        db,
        actor=seats.actor("chair"),
        body_id=seats.body.id,
        title="Plenary",
        starts_at=utcnow() + timedelta(days=10),
        timezone="Europe/Rome",
        location="Palazzo Chigi, Rome",
    )
    motion = flows.table_motion(
        db,
        actor=seats.actor("chair"),
        body_id=seats.body.id,
        title="Next plenary in Rome",
        closes_at=utcnow() + timedelta(days=2),
    )
    return {
        "meeting": f"/meetings/{meeting.id}",
        "motion": f"/motions/{motion.id}",
        "statement": f"/statements/{published.id}",
    }


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("role", sorted(ROLES))
def test_role_pages_have_no_english_left(
    client: TestClient,
    db: Session,
    seats: Seats,
    activity: dict[str, str],
    role: str,
    language: str,
) -> None:
    if role == "police":  # deconfliction and travel are law enforcement's
        police = seats.factory.organisation("Police Agency", kind=OrganisationKind.LAW_ENFORCEMENT)
        seats.factory.seat(seats.body, police)
        user = seats.factory.user(police, roles=("analyst",))
    else:
        user = seats.users[role]
    web_login(client, user)
    client.headers["Accept-Language"] = language
    pages = ROLES[role] + (list(activity.values()) if role != "police" else [])
    for path in pages:
        page = client.get(path)
        assert page.status_code == 200, (path, page.status_code)
        assert f'<html lang="{language}"' in page.text, path
        text = readable(page.text, db)
        assert english_left(text, language) == [], f"{path} as {role} in {language}: {text}"
