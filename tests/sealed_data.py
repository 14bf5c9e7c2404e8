"""A deployment's worth of sealed values, one in every sealed column of every domain, and a
way to read them all back through the domains' own code (for key rotation and backups)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from nohaven.auth import second_factor
from nohaven.auth import service as auth_service
from nohaven.auth.oidc import service as oidc
from nohaven.auth.oidc.schemas import OidcProviderSet
from nohaven.config import get_settings
from nohaven.federation.models import TaxiiSource
from nohaven.federation.taxii import source as taxii_source
from nohaven.governance.public.models import ContactMessage
from nohaven.hashes.models import HashList
from nohaven.keys.ring import data_keyring
from nohaven.keys.service import sealed_tables
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id
from nohaven.members.models import Organisation, User
from nohaven.operations import planning, referrals
from nohaven.operations import present as operations_present
from nohaven.operations import repository as operations_repository
from nohaven.operations import service as operations
from nohaven.operations.models import Phase, ReferralOutcome
from nohaven.operations.schemas import (
    ActivityCreate,
    BriefingCreate,
    OutcomeIn,
    ParticipantUpdate,
    ReferralCreate,
)
from nohaven.travel import complaints, corrections, present, receiving, repository, routing, service
from nohaven.travel.models import ComplaintSource, ResponseKind, TravelNotification
from nohaven.travel.schemas import (
    ComplaintIn,
    ComplaintResolution,
    NotificationAmend,
    NotificationCreate,
    ResponseIn,
)
from nohaven.webhooks import service as webhooks
from nohaven.webhooks.addresses import Guard
from nohaven.webhooks.models import Endpoint
from nohaven.webhooks.schemas import EndpointCreate
from tests.factories import Factory
from tests.travel.conftest import ACK_HOURS, LATE_HOURS, LE, payload


@dataclass(frozen=True)
class SealedWorld:
    notification_id: str
    sender_id: str
    receiver_id: str
    referral_id: str = ""
    endpoint_id: str = ""
    taxii_source_id: str = ""
    contact_message_id: str = ""


def fill(session: Session) -> SealedWorld:
    """Every sealed column gets a value: the full life of a travel notification (subject,
    itinerary, response note, amendment, upheld complaint, withdrawal) and a TOTP secret."""
    factory = Factory(session)
    gb = factory.organisation("Sealed Crime Agency", kind=LE, country="GB")
    au = factory.organisation("Sealed Federal Police", kind=LE, country="AU")
    secretariat = factory.user(
        factory.organisation("Sealed Secretariat"), roles=("secretariat_admin",)
    )
    sender, receiver = factory.user(gb), factory.user(au)
    routing.set_point_of_contact(
        session, actor=factory.actor(secretariat), country="AU", organisation_id=au.id
    )
    notification, _ = service.create_notification(
        session,
        actor=factory.actor(sender),
        data=NotificationCreate.model_validate(payload()),
        late_hours=LATE_HOURS,
    )
    nid = notification.id
    as_receiver, as_sender = factory.actor(receiver), factory.actor(sender)
    receiving.acknowledge(session, actor=as_receiver, notification_id=nid)
    receiving.respond(
        session,
        actor=as_receiver,
        notification_id=nid,
        data=ResponseIn(response=ResponseKind.MONITORED, note="Met at arrivals"),
    )
    corrections.amend(
        session,
        actor=as_sender,
        notification_id=nid,
        data=NotificationAmend.model_validate(
            {"reason": "New passport", "subject": {"passport_number": "ZQ5550001"}}
        ),
    )
    complaint = complaints.lodge_complaint(
        session,
        actor=as_receiver,
        notification_id=nid,
        data=ComplaintIn(source=ComplaintSource.RECEIVER, grounds="Wrong person"),
    )
    complaints.resolve_complaint(
        session,
        actor=as_sender,
        notification_id=nid,
        complaint_id=complaint.id,
        data=ComplaintResolution(outcome="upheld", reasons="Confirmed mix-up"),
    )
    second_factor.begin_totp_enrolment(session, user=receiver, settings=factory.settings)
    referral_id = _fill_operation(session, factory, sender=sender, receiver=receiver)
    endpoint_id = _fill_webhook(session, factory, au)
    taxii_source_id = _fill_taxii_source(session, factory, au)
    contact = ContactMessage(
        id=new_id(), body_id=factory.body(f"Sealed Taskforce {new_id()[:8]}").id
    )
    session.add(contact)
    contact.seal(
        session, name="Ana Public", email="ana@example.org", subject="Hello", message="A tip"
    )
    session.flush()
    return SealedWorld(
        notification_id=nid,
        sender_id=sender.id,
        receiver_id=receiver.id,
        referral_id=referral_id,
        endpoint_id=endpoint_id,
        taxii_source_id=taxii_source_id,
        contact_message_id=contact.id,
    )


def _fill_taxii_source(session: Session, factory: Factory, org: Organisation) -> str:
    """A list fed from a TAXII collection that asks for a password (sealed)."""
    analyst = factory.actor(factory.user(org, roles=("analyst",)))
    fed_list = HashList(
        name="Fed from TAXII",
        owner_organisation_id=org.id,
        tlp="TLP:AMBER",
        audience_organisation_ids=[],
        audience_body_ids=[],
    )
    session.add(fed_list)
    session.flush()
    return taxii_source.add_source(
        session,
        actor=analyst,
        keys=data_keyring(factory.settings),
        list_id=fed_list.id,
        url="https://taxii.afp.example/api/collections/known/",
        username="nohaven",
        password="sealed-taxii-password",
    ).id


def _fill_webhook(session: Session, factory: Factory, org: Organisation) -> str:
    """A webhook endpoint's signing secret, rotated: the current and the previous one."""
    admin = factory.actor(factory.user(org, roles=("org_admin",)))
    endpoint = webhooks.register_endpoint(
        session,
        actor=admin,
        data=EndpointCreate.model_validate(
            {"url": "https://hooks.afp.example/in", "kinds": ["travel.notification"]}
        ),
        keyring=data_keyring(factory.settings),
        guard=Guard(),
    ).endpoint
    webhooks.rotate_secret(
        session,
        actor=admin,
        endpoint_id=endpoint.id,
        keyring=data_keyring(factory.settings),
        grace=timedelta(days=3650),
    )
    # The organisation's OpenID provider, with its sealed client secret.
    oidc.set_provider(
        session,
        actor=admin,
        organisation_id=org.id,
        data=OidcProviderSet.model_validate(
            {
                "issuer": "https://login.afp.example",
                "client_id": "nohaven",
                "client_secret": "sealed-client-secret",
                "allowed_domains": ["afp.example"],
            }
        ),
        keyring=data_keyring(factory.settings),
        addresses=Guard(),
    )
    return endpoint.id


def _fill_operation(session: Session, factory: Factory, *, sender: User, receiver: User) -> str:
    """An operation between the two agencies: a point of contact, a briefing, a referral with
    its outcome note."""
    body = factory.body("Sealed Taskforce")
    factory.seat(body, sender.organisation)
    factory.seat(body, receiver.organisation)
    lead, other = factory.actor(sender), factory.actor(receiver)
    activity = operations.propose(
        session,
        actor=lead,
        data=ActivityCreate(body_id=body.id, code_name="Sealwater", title="Sealed operation"),
    )
    operations.invite(
        session, actor=lead, activity_id=activity.id, organisation_id=receiver.organisation_id
    )
    operations.answer(session, actor=other, activity_id=activity.id, accept=True)
    operations.update_participant(
        session,
        actor=other,
        activity_id=activity.id,
        data=ParticipantUpdate(time_zone="Australia/Sydney", contact="DS Sealed, desk 4"),
    )
    planning.add_briefing(
        session,
        actor=lead,
        activity_id=activity.id,
        data=BriefingCreate(title="Sealed brief", text="Sealed briefing text"),
    )
    operations.set_phase(session, actor=lead, activity_id=activity.id, phase=Phase.ACTIVE)
    referral = referrals.send(
        session,
        actor=lead,
        activity_id=activity.id,
        data=ReferralCreate(
            receiver_organisation_id=receiver.organisation_id,
            subject_name="Sealed Suspect",
            summary="Sealed summary",
        ),
        limits=factory.settings.operations,
    )
    referrals.conclude(
        session,
        actor=other,
        activity_id=activity.id,
        referral_id=referral.id,
        data=OutcomeIn(outcome=ReferralOutcome.ARRESTED, note="Sealed outcome note"),
    )
    return referral.id


def read_all(session: Session, world: SealedWorld) -> dict[str, Any]:
    """Every sealed value, opened by the domains' own code as an authorised reader sees it."""
    sender = session.get(User, world.sender_id, options=[joinedload(User.organisation)])
    receiver = session.get(User, world.receiver_id)
    assert sender is not None
    assert receiver is not None
    endpoint = session.get(Endpoint, world.endpoint_id)
    assert endpoint is not None
    found = repository.notification(session, world.notification_id)
    assert isinstance(found, TravelNotification)
    taxii = session.get(TaxiiSource, world.taxii_source_id)
    assert taxii is not None
    assert taxii.password_sealed is not None
    actor = auth_service.actor_for(session, sender)
    shown = present.detail(session, actor=actor, notification=found, ack_hours=ACK_HOURS)
    referral = operations_repository.referral(session, world.referral_id)
    assert referral is not None
    activity_id = referral.activity_id
    operation = operations_present.detail(session, actor=actor, activity_id=activity_id)
    activity = operations.visible(session, actor=actor, activity_id=activity_id)
    contact = session.get(ContactMessage, world.contact_message_id)
    assert contact is not None
    return {
        "contact": [contact.name, contact.email, contact.subject, contact.message],
        "detail": shown.model_dump(exclude={"read_receipts", "overdue_receivers"}),
        "totp": second_factor.totp_secret(receiver, settings=get_settings()),
        "taxii_password": taxii_source.source_password(taxii, keys=data_keyring(get_settings())),
        "contacts": [p.contact for p in operation.participants],
        "briefings": [
            b.text for b in operations_present.briefings(session, actor=actor, activity=activity)
        ],
        "referral": operations_present.referral(referral, now=utcnow(), opened=True).model_dump(
            include={"package", "outcome_note"}
        ),
    }


def assert_every_sealed_column_filled(session: Session) -> int:
    """Guards the tests above against a sealed column added later and never exercised."""
    values = 0
    for table, columns in sealed_tables():
        for column in columns:
            present_values = session.execute(
                select(table.c[column.column]).where(table.c[column.column].is_not(None))
            ).all()
            assert present_values, f"no value in sealed column {table.name}.{column.column}"
            values += len(present_values)
    return values


def use_keys(monkeypatch: pytest.MonkeyPatch, current: str, *previous: str) -> None:
    """Configure these data keys, as an operator would (settings are read afresh)."""
    monkeypatch.setenv("NOHAVEN_DATA_KEY", current)
    monkeypatch.setenv("NOHAVEN_DATA_KEYS_PREVIOUS", ",".join(previous))
    get_settings.cache_clear()
