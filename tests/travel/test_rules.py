"""The travel policy as a matrix: actors × actions × resources, including another agency."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can
from nohaven.travel.models import PointOfContact, TravelNotification
from tests.travel.conftest import World, send

ALL = tuple(Action)

# who → the actions they may take on a notification sent by the sender org to the receiver org
EXPECTED: dict[str, set[Action]] = {
    "sender": {Action.LIST, Action.READ, Action.UPDATE, Action.DELETE, Action.MANAGE},
    "sender_admin": {Action.LIST, Action.READ, Action.MANAGE},
    "receiver": {Action.LIST, Action.READ, Action.RESPOND},
    "receiver_admin": {Action.LIST, Action.READ, Action.RESPOND},
    "third": set(),
    "government": set(),
    "secretariat": set(),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_notification_matrix(world: World, db: Session, who: str) -> None:
    notification = send(world, db)
    actor = world.actor(getattr(world, who))
    allowed = {action for action in ALL if can(actor, action, notification)}
    assert allowed == EXPECTED[who]


@pytest.mark.parametrize(
    ("who", "creates", "lists"),
    [
        ("sender", True, True),
        ("sender_admin", False, True),
        ("receiver", True, True),
        ("third", True, True),
        ("government", False, False),
        ("secretariat", False, False),
    ],
)
def test_notification_class_matrix(world: World, who: str, creates: bool, lists: bool) -> None:
    actor = world.actor(getattr(world, who))
    assert can(actor, Action.CREATE, TravelNotification) is creates
    assert can(actor, Action.LIST, TravelNotification) is lists
    assert not can(actor, Action.DELETE, TravelNotification)


def test_read_only_token_cannot_respond(world: World, db: Session) -> None:
    notification = send(world, db)
    reader = world.factory.actor(world.receiver, scopes=frozenset({"read"}))
    assert can(reader, Action.READ, notification)
    assert not can(reader, Action.RESPOND, notification)


@pytest.mark.parametrize(
    ("who", "manages"),
    [("secretariat", True), ("sender", False), ("sender_admin", False), ("government", False)],
)
def test_point_of_contact_matrix(world: World, db: Session, who: str, manages: bool) -> None:
    actor = world.actor(getattr(world, who))
    contact = db.query(PointOfContact).filter_by(country="AU").one()
    for action in (Action.LIST, Action.READ):
        assert can(actor, action, contact)
    for action in (Action.CREATE, Action.UPDATE, Action.DELETE):
        assert can(actor, action, contact) is manages
    assert can(Actor.system(), Action.UPDATE, contact)
