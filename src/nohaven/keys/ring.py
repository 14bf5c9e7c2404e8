"""The data key ring from settings: the current key seals, previous keys still open."""

from __future__ import annotations

from functools import lru_cache

from nohaven.config import Settings, get_settings
from nohaven.kit.crypto import Keyring


@lru_cache(maxsize=8)
def _ring(current: str, previous: str) -> Keyring:
    return Keyring.from_config(current, previous.split(","))


def data_keyring(settings: Settings | None = None) -> Keyring:
    chosen = settings or get_settings()
    return _ring(chosen.data_key.get_secret_value(), chosen.data_keys_previous.get_secret_value())
