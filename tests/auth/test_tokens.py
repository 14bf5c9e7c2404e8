"""API tokens: the secret is shown once, stored hashed, recognised by its prefix."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nohaven.auth import service
from nohaven.auth.models import ApiToken
from tests.factories import Factory


def test_every_issued_token_resolves(factory: Factory, db: Session) -> None:
    # Random secrets often contain "_" and "-"; each must still resolve to its token.
    user = factory.user()
    for _ in range(40):
        issued = service.create_api_token(
            db,
            actor=factory.actor(user),
            name="t",
            scopes=["read"],
            days=1,
            max_days=factory.settings.api_token_max_days,
        )
        found = service.resolve_api_token(db, issued.secret)
        assert found is not None
        assert found[0].id == issued.token.id


def test_only_a_hash_is_stored(factory: Factory, db: Session) -> None:
    user = factory.user()
    issued = service.create_api_token(
        db,
        actor=factory.actor(user),
        name="t",
        scopes=["read"],
        max_days=factory.settings.api_token_max_days,
    )
    stored = db.get(ApiToken, issued.token.id)
    assert stored is not None
    assert issued.secret not in (stored.token_hash, stored.prefix)
    assert service.resolve_api_token(db, issued.secret[:-1] + "x") is None
