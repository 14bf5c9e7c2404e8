"""Members: directory, memberships and their history, invitations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth import users as accounts
from nohaven.auth.actor import Actor
from nohaven.errors import Conflict, Forbidden, Gone, InvalidInput
from nohaven.members import invitations as invites
from nohaven.members import service
from nohaven.members.models import MembershipRole, OrganisationKind
from nohaven.members.schemas import (
    InvitationCreate,
    MembershipCreate,
    OrganisationCreate,
)
from tests.factories import Factory

SYSTEM = Actor.system("test")


def test_who_chaired_on_a_date_comes_from_the_history(factory: Factory, db: Session) -> None:
    body = factory.body("Virtual Global Taskforce", slug="vgt-test")
    afp = factory.organisation("AFP test", kind=OrganisationKind.LAW_ENFORCEMENT, country="AU")
    hsi = factory.organisation("HSI test", kind=OrganisationKind.LAW_ENFORCEMENT, country="US")
    factory.seat(body, afp, MembershipRole.CHAIR, start=date(2009, 7, 1), end=date(2012, 7, 1))
    factory.seat(body, hsi, MembershipRole.CHAIR, start=date(2012, 7, 1), end=date(2015, 7, 1))
    assert (
        service.holder_on(
            db, actor=SYSTEM, body_id=body.id, role=MembershipRole.CHAIR, day=date(2010, 3, 1)
        ).organisation_id
        == afp.id
    )  # type: ignore[union-attr]
    assert (
        service.holder_on(
            db, actor=SYSTEM, body_id=body.id, role=MembershipRole.CHAIR, day=date(2014, 1, 1)
        ).organisation_id
        == hsi.id
    )  # type: ignore[union-attr]
    assert (
        service.holder_on(
            db, actor=SYSTEM, body_id=body.id, role=MembershipRole.CHAIR, day=date(2016, 1, 1)
        )
        is None
    )


def test_two_chairs_at_once_are_refused(factory: Factory, db: Session) -> None:
    body = factory.body()
    first, second = factory.organisation(), factory.organisation()
    factory.seat(body, first, MembershipRole.CHAIR, start=date(2020, 1, 1))
    with pytest.raises(Conflict, match="chair"):
        service.add_membership(
            db,
            actor=SYSTEM,
            body_id=body.id,
            data=MembershipCreate(
                organisation_id=second.id, role=MembershipRole.CHAIR, start_date=date(2021, 1, 1)
            ),
        )


def test_a_seat_cannot_end_before_it_starts(factory: Factory, db: Session) -> None:
    body, org = factory.body(), factory.organisation()
    with pytest.raises(InvalidInput):
        service.add_membership(
            db,
            actor=SYSTEM,
            body_id=body.id,
            data=MembershipCreate(
                organisation_id=org.id,
                role=MembershipRole.MEMBER,
                start_date=date(2021, 1, 1),
                end_date=date(2020, 1, 1),
            ),
        )


def test_creating_an_organisation_is_audited_and_needs_the_secretariat(
    factory: Factory, db: Session
) -> None:
    admin = factory.user(roles=("org_admin",))
    data = OrganisationCreate(
        name="New Police", kind=OrganisationKind.LAW_ENFORCEMENT, country="FRA"
    )
    with pytest.raises(Forbidden):
        service.create_organisation(db, actor=factory.actor(admin), data=data)
    secretariat = factory.user(roles=("secretariat_admin",))
    org = service.create_organisation(db, actor=factory.actor(secretariat), data=data)
    assert org.country == "FR"
    last = audit.list_entries(db, actor=SYSTEM, limit=1)[0]
    assert last.action == "organisation.create"
    assert last.resource_id == org.id


def test_unknown_country_is_rejected() -> None:
    with pytest.raises(ValueError, match="ISO 3166"):
        OrganisationCreate(name="Nowhere", kind=OrganisationKind.GOVERNMENT, country="XX")


def test_invitation_is_one_time_and_expires(factory: Factory, db: Session) -> None:
    org = factory.organisation()
    admin = factory.user(org, roles=("org_admin",))
    issued = invites.invite_user(
        db,
        actor=factory.actor(admin),
        data=InvitationCreate(
            email="invitee@example.org", organisation_id=org.id, roles=["delegate"]
        ),
        valid_days=7,
    )
    user = accounts.accept_invitation(
        db,
        token=issued.token,
        display_name="Invitee",
        password="a long enough password",
        settings=factory.settings,
    )
    assert user.roles == ["delegate"]
    with pytest.raises(Gone):
        accounts.accept_invitation(
            db,
            token=issued.token,
            display_name="Again",
            password="a long enough password",
            settings=factory.settings,
        )
    late = invites.invite_user(
        db,
        actor=factory.actor(admin),
        data=InvitationCreate(email="late@example.org", organisation_id=org.id, roles=["analyst"]),
        valid_days=7,
    )
    late.invitation.expires_at = late.invitation.created_at - timedelta(seconds=1)
    db.flush()
    with pytest.raises(Gone, match="expired"):
        invites.pending_invitation(db, token=late.token)
