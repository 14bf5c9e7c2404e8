"""Demo data of the policy domain (idempotent: loading twice changes nothing).

The criteria framework as shipped, and a small set of *illustrative* assessments — invented
statuses, not legal advice or real findings; every page showing them says so — assessed by one
organisation and approved by another, with a little history so as-of views differ.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth import service as auth_service
from nohaven.auth.actor import Actor
from nohaven.members.demo import GTF
from nohaven.members.models import User
from nohaven.policy import criteria, maturity, service
from nohaven.policy.models import Assessment, Status
from nohaven.policy.schemas import AssessmentCreate, MaturityRatingIn

CODES = {"M": "met", "P": "partially_met", "N": "not_met", "U": "unknown"}
# One letter per criterion, in the order of the shipped framework (five core criteria first).
# Invented for the demo: they describe no country's real law.
ILLUSTRATIVE: tuple[tuple[datetime, str, str], ...] = (
    (datetime(2023, 3, 15, 10, tzinfo=UTC), "GB", "MMMMMMMMPMMMMMMM"),
    (datetime(2023, 3, 15, 10, tzinfo=UTC), "AU", "MMMMMMMPPMMMMMMM"),
    (datetime(2023, 3, 15, 10, tzinfo=UTC), "KE", "MMMMNMPPNPMUMNUP"),
    (datetime(2023, 3, 15, 10, tzinfo=UTC), "PH", "MMMMMMPMUPMMMPPU"),
    (datetime(2023, 3, 15, 10, tzinfo=UTC), "BR", "MMMPMPPPNMMNMUPN"),
    (datetime(2023, 3, 15, 10, tzinfo=UTC), "GH", "MPMNNNUUNNMUPNNU"),
    (datetime(2023, 3, 15, 10, tzinfo=UTC), "SE", "MMMMPMMMPMMMMMMP"),
    (datetime(2023, 3, 15, 10, tzinfo=UTC), "GT", "MMPMNPUNNUMNMUUN"),
    (datetime(2023, 3, 15, 10, tzinfo=UTC), "KH", "PPMMNNUNNNMUPNUU"),
    (datetime(2023, 3, 15, 10, tzinfo=UTC), "MD", "MMMMPMPNNMMMMPNP"),
    (datetime(2023, 3, 15, 10, tzinfo=UTC), "AR", "MMMMNMPMNMMMMPUN"),
    (datetime(2023, 3, 15, 10, tzinfo=UTC), "NZ", "MMMMMMMMPMMMMMMM"),
    # Later versions: only the criteria whose status changed ("." keeps the earlier one).
    (datetime(2024, 9, 20, 10, tzinfo=UTC), "KE", "....M..M........"),
    (datetime(2024, 9, 20, 10, tzinfo=UTC), "GH", ".M..P..........."),
    (datetime(2025, 6, 2, 10, tzinfo=UTC), "BR", "...M....M......."),
    (datetime(2025, 6, 2, 10, tzinfo=UTC), "MD", "....M..........."),
)
ASSESSOR = "delegate@uk.demo.nohaven.test"
REVIEWER = "delegate@ec.demo.nohaven.test"


def _actor(session: Session, email: str) -> Actor:
    user = session.execute(select(User).where(User.email == email)).scalar_one()
    session.refresh(user, ["organisation"])
    return auth_service.actor_for(session, user)


def load(session: Session) -> None:
    """Add this domain's demo records; members and users are already there."""
    framework, _ = criteria.load_framework(
        session,
        actor=Actor.system("demo loader"),
        text=criteria.shipped_text(),
        source=criteria.DEFAULT_FILE,
    )
    _load_maturity(session)
    if session.execute(select(Assessment.id).where(Assessment.illustrative).limit(1)).first():
        return
    keys = [c.key for c in framework.criteria]
    assessor = _actor(session, ASSESSOR)
    reviewer = _actor(session, REVIEWER)
    for moment, country, letters in ILLUSTRATIVE:
        for key, letter in zip(keys, letters, strict=True):
            if letter == ".":
                continue
            draft = service.create_assessment(
                session,
                actor=assessor,
                data=AssessmentCreate(
                    country=country,
                    criterion_key=key,
                    status=Status(CODES[letter]),
                    citations=["Illustrative citation (demo data)"],
                    evidence_url="https://example.org/illustrative",
                    note="Illustrative demo record: not legal advice or a real finding.",
                ),
                illustrative=True,
            )
            service.submit_assessment(session, actor=assessor, assessment_id=draft.id)
            done = service.approve_assessment(session, actor=reviewer, assessment_id=draft.id)
            # The demo's history: date the illustrative versions as if reviewed back then.
            done.created_at = done.updated_at = done.submitted_at = done.decided_at = moment
    session.flush()


# An illustrative self-assessment, shared with the Global Taskforce (capability key, phase).
MATURITY: tuple[tuple[str, int], ...] = (
    ("leadership", 3),
    ("legislation", 4),
    ("dedicated_law_enforcement", 4),
    ("image_databases", 4),
    ("end_to_end_support", 3),
    ("child_helpline", 3),
    ("hotline", 4),
    ("education", 3),
    ("child_participation", 2),
    ("takedown", 3),
    ("universal_terminology", 2),
)


def _load_maturity(session: Session) -> None:
    delegate = _actor(session, ASSESSOR)
    if maturity.own(session, actor=delegate) is not None:
        return
    maturity.save(
        session,
        actor=delegate,
        ratings=[
            MaturityRatingIn(
                capability_key=key, phase=phase, evidence="Illustrative demo evidence."
            )
            for key, phase in MATURITY
        ],
    )
    maturity.share(session, actor=delegate, body=GTF)
