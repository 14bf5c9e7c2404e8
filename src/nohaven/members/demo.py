"""Demo data of the members domain: the two bodies of the seeds, their members and chairs, and
one demo user per role. Illustrative: membership lists beyond the seeds are reconstructed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth import passwords
from nohaven.config import Settings
from nohaven.members.models import (
    Body,
    BodyKind,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
    UserRole,
)

LE = OrganisationKind.LAW_ENFORCEMENT
GOV = OrganisationKind.GOVERNMENT
IGO = OrganisationKind.INTERGOVERNMENTAL

VGT = "vgt"
GTF = "global-taskforce"

VGT_FOUNDED = date(2003, 12, 1)
# (name, short name, kind, country): the 15 agencies of the VGT (reconstructed for the demo).
VGT_AGENCIES: tuple[tuple[str, str, OrganisationKind, str | None], ...] = (
    ("Australian Federal Police", "AFP", LE, "AU"),
    ("National Crime Agency", "NCA", LE, "GB"),
    ("Homeland Security Investigations", "US HSI", LE, "US"),
    ("Royal Canadian Mounted Police", "RCMP", LE, "CA"),
    ("Ministry of Interior of the United Arab Emirates", "UAE MoI", LE, "AE"),
    ("Europol", "Europol", LE, None),
    ("INTERPOL", "INTERPOL", LE, None),
    ("Polizia Postale e delle Comunicazioni", "Polizia Postale", LE, "IT"),
    ("Dutch National Police", "Politie", LE, "NL"),
    ("New Zealand Police", "NZ Police", LE, "NZ"),
    ("Philippine National Police", "PNP", LE, "PH"),
    ("Korean National Police Agency", "KNPA", LE, "KR"),
    ("Colombian National Police", "PONAL", LE, "CO"),
    ("Swiss Federal Office of Police", "fedpol", LE, "CH"),
    ("Kenya Directorate of Criminal Investigations", "DCI Kenya", LE, "KE"),
)
# The chair's rotation (DOMAIN.md): short name, start, end (None: chairs today).
VGT_CHAIRS: tuple[tuple[str, date, date | None], ...] = (
    ("AFP", date(2009, 7, 1), date(2012, 7, 1)),
    ("US HSI", date(2012, 7, 1), date(2015, 7, 1)),
    ("UAE MoI", date(2015, 7, 1), date(2018, 7, 1)),
    ("RCMP", date(2018, 7, 1), date(2021, 10, 1)),
    ("NCA", date(2021, 10, 1), date(2024, 11, 1)),
    ("AFP", date(2024, 11, 1), None),
)
VGT_AFFILIATES: tuple[tuple[str, str, OrganisationKind, str | None], ...] = (
    ("ECPAT International", "ECPAT", OrganisationKind.NGO, "TH"),
    ("INHOPE", "INHOPE", OrganisationKind.HOTLINE, "NL"),
    ("Internet Watch Foundation", "IWF", OrganisationKind.HOTLINE, "GB"),
    ("Example Platform Trust & Safety", "ExamplePlatform", OrganisationKind.INDUSTRY, "US"),
)

GTF_FOUNDED = date(2022, 6, 1)
# The 23 members named in the seed; the European Commission chairs, the African Union is
# vice-chair.
GTF_MEMBERS: tuple[tuple[str, str, OrganisationKind, str | None], ...] = (
    ("African Union", "AU", IGO, None),
    ("Government of Argentina", "Argentina", GOV, "AR"),
    ("Government of Australia", "Australia", GOV, "AU"),
    ("Government of Belgium", "Belgium", GOV, "BE"),
    ("Government of Brazil", "Brazil", GOV, "BR"),
    ("Government of Cambodia", "Cambodia", GOV, "KH"),
    ("Government of Canada", "Canada", GOV, "CA"),
    ("Government of Estonia", "Estonia", GOV, "EE"),
    ("European Commission", "EC", IGO, None),
    ("Government of Finland", "Finland", GOV, "FI"),
    ("Government of Ghana", "Ghana", GOV, "GH"),
    ("Government of Guatemala", "Guatemala", GOV, "GT"),
    ("Government of Kenya", "Kenya", GOV, "KE"),
    ("Lanzarote Committee – Council of Europe", "Lanzarote Committee", IGO, None),
    ("Government of the Republic of Moldova", "Moldova", GOV, "MD"),
    ("Government of New Zealand", "New Zealand", GOV, "NZ"),
    ("Government of the Republic of North Macedonia", "North Macedonia", GOV, "MK"),
    ("Government of Sweden", "Sweden", GOV, "SE"),
    ("Government of the Netherlands", "Netherlands", GOV, "NL"),
    ("Government of the Philippines", "Philippines", GOV, "PH"),
    ("Government of the United Arab Emirates", "UAE", GOV, "AE"),
    ("Government of the United Kingdom", "United Kingdom", GOV, "GB"),
    ("Government of the United States of America", "United States", GOV, "US"),
)
# Existing international initiatives that feed into the strategic direction (seed). The
# European Commission and the African Union already sit as members.
INITIATIVES: tuple[tuple[str, str], ...] = (
    ("Five Country Ministerial", "FCM"),
    ("Association of Southeast Asian Nations", "ASEAN"),
    ("G7", "G7"),
)
REFERENCE_GROUPS: tuple[tuple[str, str, str], ...] = (
    (
        "Private Sector Reference Group",
        "private-sector-reference-group",
        "Technology companies advising the Alliance on industry's part of the response.",
    ),
    (
        "Civil Society Reference Group",
        "civil-society-reference-group",
        "NGOs, hotlines and survivor organisations advising the Alliance.",
    ),
    (
        "Law Enforcement Reference Group",
        "law-enforcement-reference-group",
        "Law-enforcement members advising the Alliance on investigation and victim identification.",
    ),
)
SECRETARIAT = ("WeProtect Global Alliance Secretariat", "WPGA Secretariat")

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed at start; demo mode only


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    organisation_short: str
    roles: tuple[UserRole, ...]


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "secretariat@demo.nohaven.test",
        "Sam Secretariat",
        "WPGA Secretariat",
        (UserRole.SECRETARIAT_ADMIN,),
    ),
    DemoUser("admin@nca.demo.nohaven.test", "Olive Orgadmin", "NCA", (UserRole.ORG_ADMIN,)),
    DemoUser("analyst@nca.demo.nohaven.test", "Ana Analyst", "NCA", (UserRole.ANALYST,)),
    DemoUser("analyst@afp.demo.nohaven.test", "Alex Analyst", "AFP", (UserRole.ANALYST,)),
    DemoUser("analyst@hsi.demo.nohaven.test", "Harper Analyst", "US HSI", (UserRole.ANALYST,)),
    DemoUser("delegate@ec.demo.nohaven.test", "Dana Delegate", "EC", (UserRole.DELEGATE,)),
    DemoUser(
        "delegate@uk.demo.nohaven.test", "Uma Delegate", "United Kingdom", (UserRole.DELEGATE,)
    ),
    DemoUser("delegate@au.demo.nohaven.test", "Ade Delegate", "AU", (UserRole.DELEGATE,)),
    DemoUser("observer@ecpat.demo.nohaven.test", "Oscar Observer", "ECPAT", (UserRole.OBSERVER,)),
)


def _organisation(
    session: Session, name: str, short: str, kind: OrganisationKind, country: str | None
) -> Organisation:
    found = session.execute(
        select(Organisation).where(Organisation.name == name)
    ).scalar_one_or_none()
    if found is None:
        found = Organisation(name=name, short_name=short, kind=kind, country=country)
        session.add(found)
        session.flush()
    return found


def _body(
    session: Session,
    *,
    name: str,
    slug: str,
    kind: BodyKind,
    description: str,
    meetings_per_year: int,
    parent: Body | None = None,
) -> Body:
    found = session.execute(select(Body).where(Body.slug == slug)).scalar_one_or_none()
    if found is None:
        found = Body(
            name=name,
            slug=slug,
            kind=kind,
            description=description,
            meetings_per_year=meetings_per_year,
            parent_id=parent.id if parent else None,
        )
        session.add(found)
        session.flush()
    return found


def _seat(
    session: Session,
    body: Body,
    org: Organisation,
    role: MembershipRole,
    start: date,
    end: date | None = None,
    note: str = "",
) -> None:
    exists = session.execute(
        select(Membership.id).where(
            Membership.body_id == body.id,
            Membership.organisation_id == org.id,
            Membership.start_date == start,
        )
    ).first()
    if exists is None:
        session.add(
            Membership(
                body_id=body.id,
                organisation_id=org.id,
                role=role,
                start_date=start,
                end_date=end,
                note=note,
            )
        )


def _spans(
    founded: date, chairs: list[tuple[date, date | None]]
) -> list[tuple[date, date | None, bool]]:
    """Cut a member's time in a body into spans, marking those in which it chairs."""
    spans: list[tuple[date, date | None, bool]] = []
    cursor: date | None = founded
    for start, end in sorted(chairs):
        if cursor is not None and cursor < start:
            spans.append((cursor, start, False))
        spans.append((start, end, True))
        cursor = end
    if cursor is not None:
        spans.append((cursor, None, False))
    return spans


def load(session: Session, *, settings: Settings) -> dict[str, Organisation]:
    """Create the directory; returns organisations by short name for other demo loaders."""
    orgs: dict[str, Organisation] = {}
    for name, short, kind, country in (*VGT_AGENCIES, *VGT_AFFILIATES, *GTF_MEMBERS):
        orgs[short] = _organisation(session, name, short, kind, country)
    for name, short in INITIATIVES:
        orgs[short] = _organisation(session, name, short, IGO, None)
    orgs[SECRETARIAT[1]] = _organisation(session, *SECRETARIAT, OrganisationKind.NGO, "GB")

    vgt = _body(
        session,
        name="Virtual Global Taskforce",
        slug=VGT,
        kind=BodyKind.ALLIANCE,
        meetings_per_year=2,
        description=(
            "An international alliance of 15 dedicated law-enforcement agencies "
            "working together to tackle the global threat from child sexual abuse, "
            "with NGO and industry partners."
        ),
    )
    for _name, short, _kind, _country in VGT_AGENCIES:
        terms = [(s, e) for who, s, e in VGT_CHAIRS if who == short]
        for start, end, chairs in _spans(VGT_FOUNDED, terms):
            _seat(
                session,
                vgt,
                orgs[short],
                MembershipRole.CHAIR if chairs else MembershipRole.MEMBER,
                start,
                end,
            )
    for _name, short, _kind, _country in VGT_AFFILIATES:
        _seat(session, vgt, orgs[short], MembershipRole.AFFILIATE, date(2010, 1, 1))
    _seat(session, vgt, orgs[SECRETARIAT[1]], MembershipRole.SECRETARIAT, VGT_FOUNDED)

    gtf = _body(
        session,
        name="Global Taskforce on child sexual abuse online",
        slug=GTF,
        kind=BodyKind.ALLIANCE,
        meetings_per_year=2,
        description=(
            "The WeProtect Global Alliance's taskforce of governments: a coordinated "
            "global response, engagement at every level, progress and good practice, "
            "and no safe havens in legislative frameworks."
        ),
    )
    for _name, short, _kind, _country in GTF_MEMBERS:
        role = {"EC": MembershipRole.CHAIR, "AU": MembershipRole.VICE_CHAIR}.get(
            short, MembershipRole.MEMBER
        )
        _seat(session, gtf, orgs[short], role, GTF_FOUNDED)
    for _name, short in INITIATIVES:
        _seat(
            session,
            gtf,
            orgs[short],
            MembershipRole.OBSERVER,
            GTF_FOUNDED,
            note="existing initiative feeding into the strategic direction",
        )
    _seat(session, gtf, orgs[SECRETARIAT[1]], MembershipRole.SECRETARIAT, GTF_FOUNDED)

    groups = {
        slug: _body(
            session,
            name=name,
            slug=slug,
            kind=BodyKind.REFERENCE_GROUP,
            description=text,
            meetings_per_year=2,
            parent=gtf,
        )
        for name, slug, text in REFERENCE_GROUPS
    }
    _seat(
        session,
        groups["private-sector-reference-group"],
        orgs["ExamplePlatform"],
        MembershipRole.CHAIR,
        GTF_FOUNDED,
    )
    _seat(
        session,
        groups["civil-society-reference-group"],
        orgs["ECPAT"],
        MembershipRole.CHAIR,
        GTF_FOUNDED,
    )
    _seat(
        session,
        groups["civil-society-reference-group"],
        orgs["IWF"],
        MembershipRole.MEMBER,
        GTF_FOUNDED,
    )
    _seat(
        session,
        groups["civil-society-reference-group"],
        orgs["INHOPE"],
        MembershipRole.MEMBER,
        GTF_FOUNDED,
    )
    _seat(
        session,
        groups["law-enforcement-reference-group"],
        orgs["NCA"],
        MembershipRole.CHAIR,
        GTF_FOUNDED,
    )
    for short in ("AFP", "US HSI", "Europol", "INTERPOL"):
        _seat(
            session,
            groups["law-enforcement-reference-group"],
            orgs[short],
            MembershipRole.MEMBER,
            GTF_FOUNDED,
        )

    password_hash: str | None = None
    for demo in DEMO_USERS:
        if session.execute(select(User.id).where(User.email == demo.email)).first():
            continue
        password_hash = password_hash or passwords.hash_password(DEMO_PASSWORD, settings=settings)
        session.add(
            User(
                email=demo.email,
                display_name=demo.name,
                organisation_id=orgs[demo.organisation_short].id,
                roles=[r.value for r in demo.roles],
                password_hash=password_hash,
            )
        )
    session.flush()
    return orgs
