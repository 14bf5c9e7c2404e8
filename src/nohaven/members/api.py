"""JSON API of the members domain."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from nohaven.auth import users as accounts
from nohaven.auth.deps import ApiActor, DbSession
from nohaven.config import AppSettings
from nohaven.kit.schemas import Day
from nohaven.members import invitations as invites
from nohaven.members import service
from nohaven.members.models import Membership, User
from nohaven.members.schemas import (
    BodyCreate,
    BodyRead,
    InvitationAccept,
    InvitationCreate,
    InvitationRead,
    MembershipCreate,
    MembershipRead,
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
    UserCreate,
    UserRead,
    UserRolesUpdate,
)

router = APIRouter(tags=["members"])


def _membership(m: Membership) -> MembershipRead:
    return MembershipRead(
        id=m.id,
        organisation_id=m.organisation_id,
        organisation_name=m.organisation.name,
        body_id=m.body_id,
        role=m.role,
        start_date=m.start_date,
        end_date=m.end_date,
        note=m.note,
    )


def _user(u: User) -> UserRead:
    return UserRead(
        id=u.id,
        email=u.email,
        display_name=u.display_name,
        organisation_id=u.organisation_id,
        roles=list(u.roles),
        is_active=u.is_active,
        totp_enabled=u.totp_enabled_at is not None,
        last_login_at=u.last_login_at,
    )


@router.get("/organisations", response_model=list[OrganisationRead])
def list_organisations(
    session: DbSession, actor: ApiActor, kind: str | None = None, country: str | None = None
) -> list[OrganisationRead]:
    orgs = service.list_organisations(session, actor=actor, kind=kind, country=country)
    return [OrganisationRead.model_validate(o) for o in orgs]


@router.post("/organisations", response_model=OrganisationRead, status_code=status.HTTP_201_CREATED)
def create_organisation(
    data: OrganisationCreate, session: DbSession, actor: ApiActor
) -> OrganisationRead:
    return OrganisationRead.model_validate(
        service.create_organisation(session, actor=actor, data=data)
    )


@router.get("/organisations/{organisation_id}", response_model=OrganisationRead)
def get_organisation(organisation_id: str, session: DbSession, actor: ApiActor) -> OrganisationRead:
    return OrganisationRead.model_validate(
        service.get_organisation(session, actor=actor, organisation_id=organisation_id)
    )


@router.patch("/organisations/{organisation_id}", response_model=OrganisationRead)
def update_organisation(
    organisation_id: str, data: OrganisationUpdate, session: DbSession, actor: ApiActor
) -> OrganisationRead:
    return OrganisationRead.model_validate(
        service.update_organisation(
            session, actor=actor, organisation_id=organisation_id, data=data
        )
    )


@router.get("/bodies", response_model=list[BodyRead])
def list_bodies(session: DbSession, actor: ApiActor) -> list[BodyRead]:
    return [BodyRead.model_validate(b) for b in service.list_bodies(session, actor=actor)]


@router.post("/bodies", response_model=BodyRead, status_code=status.HTTP_201_CREATED)
def create_body(data: BodyCreate, session: DbSession, actor: ApiActor) -> BodyRead:
    return BodyRead.model_validate(service.create_body(session, actor=actor, data=data))


@router.get("/bodies/{body}", response_model=BodyRead)
def get_body(body: str, session: DbSession, actor: ApiActor) -> BodyRead:
    return BodyRead.model_validate(service.get_body(session, actor=actor, body_id_or_slug=body))


@router.get("/bodies/{body}/memberships", response_model=list[MembershipRead])
def list_memberships(
    body: str,
    session: DbSession,
    actor: ApiActor,
    on: Annotated[Day | None, Query(description="only seats held that day")] = None,
) -> list[MembershipRead]:
    found = service.get_body(session, actor=actor, body_id_or_slug=body)
    return [
        _membership(m) for m in service.memberships(session, actor=actor, body_id=found.id, on=on)
    ]


@router.get("/bodies/{body}/chair", response_model=MembershipRead | None)
def chair_on(
    body: str, session: DbSession, actor: ApiActor, on: Day | None = None
) -> MembershipRead | None:
    """Who chaired the body on a given day (today by default)."""
    from nohaven.kit.clock import utcnow
    from nohaven.members.models import MembershipRole

    found = service.get_body(session, actor=actor, body_id_or_slug=body)
    held = service.holder_on(
        session, actor=actor, body_id=found.id, role=MembershipRole.CHAIR, day=on or utcnow().date()
    )
    return _membership(held) if held else None


@router.post(
    "/bodies/{body}/memberships", response_model=MembershipRead, status_code=status.HTTP_201_CREATED
)
def add_membership(
    body: str, data: MembershipCreate, session: DbSession, actor: ApiActor
) -> MembershipRead:
    membership = service.add_membership(session, actor=actor, body_id=body, data=data)
    session.refresh(membership, ["organisation"])
    return _membership(membership)


@router.get("/users", response_model=list[UserRead])
def list_users(session: DbSession, actor: ApiActor) -> list[UserRead]:
    return [_user(u) for u in accounts.list_users(session, actor=actor)]


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(
    data: UserCreate, session: DbSession, settings: AppSettings, actor: ApiActor
) -> UserRead:
    return _user(accounts.create_user(session, actor=actor, data=data, settings=settings))


@router.get("/users/{user_id}", response_model=UserRead)
def get_user(user_id: str, session: DbSession, actor: ApiActor) -> UserRead:
    return _user(accounts.get_user(session, actor=actor, user_id=user_id))


@router.put("/users/{user_id}/roles", response_model=UserRead)
def set_roles(user_id: str, data: UserRolesUpdate, session: DbSession, actor: ApiActor) -> UserRead:
    return _user(
        accounts.set_user_roles(
            session, actor=actor, user_id=user_id, roles=[r.value for r in data.roles]
        )
    )


@router.post("/invitations", response_model=InvitationRead, status_code=status.HTTP_201_CREATED)
def invite(
    data: InvitationCreate,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    actor: ApiActor,
) -> InvitationRead:
    issued = invites.invite_user(
        session, actor=actor, data=data, valid_days=settings.invitation_days
    )
    inv = issued.invitation
    return InvitationRead(
        id=inv.id,
        email=inv.email,
        organisation_id=inv.organisation_id,
        roles=list(inv.roles),
        expires_at=inv.expires_at,
        accept_url=str(request.base_url) + f"invitations/{issued.token}",
    )


@router.post(
    "/invitations/{token}/accept", response_model=UserRead, status_code=status.HTTP_201_CREATED
)
def accept(
    token: str, data: InvitationAccept, session: DbSession, settings: AppSettings
) -> UserRead:
    """Accept an invitation (no authentication: the one-time token is the credential)."""
    return _user(
        accounts.accept_invitation(
            session,
            token=token,
            display_name=data.display_name,
            password=data.password,
            settings=settings,
        )
    )
