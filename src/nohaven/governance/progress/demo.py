"""Demo mission statement of the Global Taskforce: commitments, signatures, progress and case
studies."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.governance.progress.models import (
    CaseStudy,
    Commitment,
    MissionSignature,
    MissionStatement,
    ProgressReport,
)
from nohaven.kit.clock import utcnow
from nohaven.members.models import Body, Organisation

MISSION_TITLE = "Mission statement of the Global Taskforce"


MISSION_PREAMBLE = "Members of the Global Taskforce commit, each in its own national context, to:"


COMMITMENTS = (
    "Lead a coordinated national response to child sexual abuse online.",
    "Close gaps in national legislation so that there are no safe havens for offenders.",
    "Support victims and survivors from first report to long-term recovery.",
    "Work with industry to detect, report and remove abuse material quickly.",
    "Share progress and good practice with the other members every year.",
)


def _org(session: Session, short: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.short_name == short))


def load(session: Session, gtf: Body) -> None:
    if session.scalar(select(MissionStatement.id).where(MissionStatement.body_id == gtf.id)):
        return
    mission = MissionStatement(body_id=gtf.id, title=MISSION_TITLE, preamble=MISSION_PREAMBLE)
    session.add(mission)
    session.flush()
    commitments = [
        Commitment(mission_id=mission.id, number=n, text=t) for n, t in enumerate(COMMITMENTS, 1)
    ]
    session.add_all(commitments)
    session.flush()
    today = utcnow().date()
    period = f"{today.year}-H{1 if today.month <= 6 else 2}"
    earlier = f"{today.year - 1}-H2"
    # (short name, signed on, {commitment number: (status, narrative)})
    reports: dict[str, tuple[date, dict[int, tuple[str, str]]]] = {
        "EC": (
            date(2022, 10, 11),
            {
                1: ("achieved", "A regional strategy coordinates the member states' responses."),
                4: ("in_progress", "Rules on detection by online services are being negotiated."),
            },
        ),
        "AU": (date(2022, 10, 11), {1: ("in_progress", "A continental framework is in drafting.")}),
        "United Kingdom": (
            date(2022, 12, 1),
            {
                2: ("achieved", "New offences cover AI-generated abuse material."),
                4: ("in_progress", "The online safety regulator consults on codes of practice."),
                5: ("achieved", "Annual report shared with members."),
            },
        ),
        "Kenya": (
            date(2023, 3, 15),
            {
                3: ("in_progress", "Survivor support extended to three more counties."),
                2: ("off_track", "The amendment bill is delayed in parliament."),
            },
        ),
        "Philippines": (date(2023, 5, 2), {}),
    }
    for short, (signed_on, items) in reports.items():
        org = _org(session, short)
        if org is None:
            continue
        session.add(
            MissionSignature(mission_id=mission.id, organisation_id=org.id, signed_on=signed_on)
        )
        for number, (status, narrative) in items.items():
            commitment = commitments[number - 1]
            session.add(
                ProgressReport(
                    commitment_id=commitment.id,
                    organisation_id=org.id,
                    period=earlier,
                    status="in_progress" if status == "achieved" else "not_started",
                    narrative="",
                    evidence=[],
                )
            )
            session.add(
                ProgressReport(
                    commitment_id=commitment.id,
                    organisation_id=org.id,
                    period=period,
                    status=status,
                    narrative=narrative,
                    evidence=["https://example.org/evidence"],
                )
            )
    kenya = _org(session, "Kenya")
    if kenya is not None:
        session.add(
            CaseStudy(
                body_id=gtf.id,
                organisation_id=kenya.id,
                title="A national hotline built with industry and civil society",
                text=(
                    "How a hotline for reporting abuse material was set up in a year with "
                    "support from INHOPE members, and how reports reach the police."
                ),
                commitments=[3, 4],
                capabilities=[12, 16, 17],
                published=True,
            )
        )
    uk = _org(session, "United Kingdom")
    if uk is not None:
        session.add(
            CaseStudy(
                body_id=gtf.id,
                organisation_id=uk.id,
                title="Making AI-generated abuse material an offence",
                text="The legislative route, the consultation and the first prosecutions.",
                commitments=[2],
                capabilities=[3, 5],
                published=True,
            )
        )
    session.flush()
