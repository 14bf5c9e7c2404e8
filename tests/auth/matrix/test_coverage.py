"""The matrix covers every rule kind any domain registers: a kind added without rows fails
here, for insiders and for outsiders alike."""

from __future__ import annotations

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, registered_kinds
from nohaven.db import Base
from nohaven.models import import_all_models
from tests.auth.matrix.test_insiders import EXPECTED as INSIDER_ROWS
from tests.auth.matrix.test_outsiders import OUTSIDER_MAY
from tests.auth.matrix.world import RESOURCES

# Kinds that models declare but no rule governs: their records are reached only through a
# parent (an entry through its hash list, a vote or feedback through the entry), so the policy
# denies them to everyone, the system included.
UNRULED_MODEL_KINDS = {"hash_entry", "hash_trust_vote", "hash_match_feedback"}


def test_every_registered_kind_has_rows() -> None:
    kinds = registered_kinds()
    assert len(kinds) > 30
    assert set(RESOURCES) == kinds
    assert set(INSIDER_ROWS) == kinds
    assert set(OUTSIDER_MAY) == kinds
    for kind, resource in RESOURCES.items():
        assert resource.policy_kind == kind


def test_every_kind_a_model_declares_is_ruled_or_denied_to_all() -> None:
    import_all_models()
    declared = {
        kind
        for mapper in Base.registry.mappers
        if (kind := getattr(mapper.class_, "policy_kind", None)) is not None
    }
    assert declared - registered_kinds() == UNRULED_MODEL_KINDS
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "policy_kind", None) in UNRULED_MODEL_KINDS:
            for action in Action:
                assert not can(Actor.system(), action, mapper.class_)
