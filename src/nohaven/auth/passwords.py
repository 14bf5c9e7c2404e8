"""Password hashing with argon2id."""

from __future__ import annotations

import contextlib
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from nohaven.config import Settings
from nohaven.errors import InvalidInput
from nohaven.kit.i18n import N_, gettext

MIN_LENGTH = 12


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


def hasher(settings: Settings) -> PasswordHasher:
    """The configured cost: tests lower it; production keeps the library's defaults."""
    return _hasher(settings.argon2_time_cost, settings.argon2_memory_kib)


def check_strength(password: str, *, email: str = "") -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            gettext("A password needs at least %(count)d characters.") % {"count": MIN_LENGTH}
        )
    if email and email.split("@")[0].lower() in password.lower():
        raise InvalidInput(N_("A password must not contain the e-mail address's name."))
    if len(set(password)) < 5:
        raise InvalidInput(N_("A password needs more distinct characters."))


def hash_password(password: str, *, settings: Settings) -> str:
    return hasher(settings).hash(password)


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_kib: int) -> str:
    return _hasher(time_cost, memory_kib).hash(secrets.token_urlsafe(16))


def verify_password(stored: str | None, password: str, *, settings: Settings) -> bool:
    if not stored:
        # Verify against a hash of nothing anyone knows, with the same parameters as a real
        # one: an unknown account must cost exactly what a known one costs.
        dummy = _dummy_hash(settings.argon2_time_cost, settings.argon2_memory_kib)
        with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
            hasher(settings).verify(dummy, password)
        return False
    try:
        return hasher(settings).verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str, *, settings: Settings) -> bool:
    return hasher(settings).check_needs_rehash(stored)
