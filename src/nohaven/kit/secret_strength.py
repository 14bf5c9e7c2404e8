"""How much guessing a configured secret would take: a deliberately cautious estimate.

No formula can measure the entropy of one string; what it can do is refuse the secrets people
actually type (short words, a key pressed forty times, ``changeme``, a pattern repeated) while
accepting what a random generator prints. The estimate takes the smallest of three views:
the size of the character classes used, the spread of the characters actually present, and
the length of the shortest repeating unit.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter

# Printable ASCII punctuation and space: what a person can type on any keyboard.
_SYMBOLS = len(string.punctuation) + 1

# Placeholders seen in sample configurations; a secret containing one is not secret.
_PLACEHOLDERS = (
    "changeme",
    "change-me",
    "change_me",
    "secret",
    "password",
    "default",
    "example",
    "nohaven",
    "demo",
    "insecure",
    "do-not-use",
    "notsecret",
    "not-secret",
)


_HEX = frozenset(string.hexdigits)
_BASE64 = frozenset(string.ascii_letters + string.digits + "+/-_")


def _pool(value: str) -> int:
    """The alphabet ``value`` was most likely drawn from: a generator's encoding (decimal,
    hex, base64) when every character fits one, else the character classes it uses."""
    chars = set(value.rstrip("="))
    if chars <= set(string.digits):
        return 10
    if chars <= _HEX:
        return 16
    if chars <= _BASE64:
        return 64
    pool = 0
    if chars & set(string.ascii_lowercase):
        pool += 26
    if chars & set(string.ascii_uppercase):
        pool += 26
    if chars & set(string.digits):
        pool += 10
    if chars & set(string.punctuation + " "):
        pool += _SYMBOLS
    if any(ord(c) > 127 for c in chars):
        pool += 100  # a rough allowance; nobody generates keys from such alphabets anyway
    return max(pool, 1)


def _shortest_period(value: str) -> int:
    """The length of the shortest unit whose repetition makes up ``value`` (a prefix of the
    last repetition may be cut off): ``abcabcab`` → 3. Only a unit seen at least twice
    counts: that a random string ends with its first letter is no pattern."""
    for period in range(1, len(value) // 2 + 1):
        if value[period:] == value[:-period]:
            return period
    return len(value)


def estimate_bits(value: str) -> float:
    """A cautious estimate, in bits, of the guessing needed to find ``value``."""
    value = value.rstrip("=")  # base64 padding carries nothing
    if not value:
        return 0.0
    per_char = math.log2(_pool(value))
    by_classes = len(value) * per_char
    counts = Counter(value)
    shannon = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    # A random string's observed spread sits a little under its alphabet's size (a 44-character
    # sample cannot show all 64 symbols); the factor keeps real random keys above the bar while
    # a string of a few characters repeated falls far below it.
    by_spread = len(value) * min(per_char, shannon * 1.5)
    by_period = _shortest_period(value) * per_char
    return min(by_classes, by_spread, by_period)


def without_placeholders(value: str) -> str:
    """``value`` with every well-known placeholder word cut out: those add no secrecy."""
    for word in _PLACEHOLDERS:
        value = re.sub(re.escape(word), "", value, flags=re.IGNORECASE)
    return value
