"""Points of contact: the law-enforcement organisation that receives notifications for a
country, and the routing of a notification's destinations to them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import InvalidInput, NotFound
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import is_id
from nohaven.members.models import Organisation, OrganisationKind
from nohaven.members.schemas import normalise_country
from nohaven.travel import repository as repo
from nohaven.travel.models import PointOfContact

# --- points of contact ----------------------------------------------------------------------


def list_points_of_contact(
    session: Session, *, actor: Actor
) -> list[tuple[PointOfContact, Organisation]]:
    require(actor, Action.LIST, PointOfContact)
    return list(repo.points_of_contact(session))


def parse_country(value: str) -> str:
    try:
        found = normalise_country(value)
    except ValueError as exc:
        raise InvalidInput(str(exc), errors=[{"field": "country", "message": str(exc)}]) from exc
    if found is None:
        raise InvalidInput("A country is required.", errors=[{"field": "country"}])
    return found


def set_point_of_contact(
    session: Session, *, actor: Actor, country: str, organisation_id: str
) -> PointOfContact:
    code = parse_country(country)
    existing = repo.point_of_contact(session, code)
    require(actor, Action.UPDATE if existing else Action.CREATE, existing or PointOfContact)
    org = session.get(Organisation, organisation_id) if is_id(organisation_id) else None
    if org is None:
        raise InvalidInput(
            "No such organisation.", errors=[{"field": "organisation_id", "message": "unknown"}]
        )
    if org.kind != OrganisationKind.LAW_ENFORCEMENT:
        message = "A point of contact must be a law-enforcement member organisation."
        raise InvalidInput(message, errors=[{"field": "organisation_id", "message": message}])
    contact = existing or PointOfContact(country=code, organisation_id=org.id)
    contact.organisation_id = org.id
    contact.updated_at = utcnow()
    session.add(contact)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="travel.point_of_contact.set",
        resource_type="travel_point_of_contact",
        resource_id=contact.id,
        organisation_id=org.id,
        summary={"country": code, "organisation_id": org.id},
    )
    return contact


def remove_point_of_contact(session: Session, *, actor: Actor, country: str) -> str:
    """Remove the country's point of contact; the organisation it was (for an undo)."""
    code = parse_country(country)
    existing = repo.point_of_contact(session, code)
    if existing is None:
        raise NotFound(f"No point of contact for {code}.")
    require(actor, Action.DELETE, existing)
    audit.record(
        session,
        actor=actor,
        action="travel.point_of_contact.remove",
        resource_type="travel_point_of_contact",
        resource_id=existing.id,
        organisation_id=existing.organisation_id,
        summary={"country": code},
    )
    session.delete(existing)
    session.flush()
    return existing.organisation_id


def route(session: Session, countries: list[str]) -> tuple[dict[str, str], list[str]]:
    """Each destination's receiving organisation, and the destinations that have none."""
    found: dict[str, str] = {}
    missing: list[str] = []
    for code in countries:
        contact = repo.point_of_contact(session, code)
        if contact is None:
            missing.append(code)
        else:
            found[code] = contact.organisation_id
    return found, missing
