"""The data key ring from settings: the current key seals, previous keys still open."""

from __future__ import annotations

from functools import lru_cache

from nohaven.config import Settings
from nohaven.kit.crypto import Keyring


@lru_cache(maxsize=8)
def _ring(current: str, previous: str) -> Keyring:
    return Keyring.from_config(current, previous.split(","))


def data_keyring(settings: Settings) -> Keyring:
    return _ring(
        settings.data_key.get_secret_value(), settings.data_keys_previous.get_secret_value()
    )
