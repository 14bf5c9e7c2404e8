"""Hash entries as STIX 2.1 indicators, built with the `stix2` library, and back.

An entry is an indicator whose pattern names its hash: ``[file:hashes.'SHA-256' = '…']``;
PDQ and PhotoDNA, which STIX's vocabulary does not list, are named hashes of their own
(``file:hashes.PDQ``). The TLP label is a TLP 2.0 marking; a tombstoned entry is a revoked
indicator. Ids are the entries' own (both are UUIDs), so every version of an entry is the
same STIX object."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from typing import Any

import stix2
from stix2patterns.validator import run_validator

from nohaven.hashes import classification
from nohaven.hashes.models import HashEntry, HashList

# The TLP 2.0 marking definitions as STIX 2.1 publishes them (fixed ids, shared by all).
TLP2_MARKINGS: dict[str, str] = {
    "TLP:CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "TLP:GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "TLP:AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "TLP:AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "TLP:RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_OF_MARKING = {v: k for k, v in TLP2_MARKINGS.items()}
# Our signal types and the hash names of STIX patterns.
HASH_NAMES: dict[str, str] = {
    "md5": "MD5",
    "sha1": "SHA-1",
    "sha256": "SHA-256",
    "pdq": "PDQ",
    "photodna": "PhotoDNA",
}
SIGNAL_OF_NAME = {v.upper(): k for k, v in HASH_NAMES.items()}
_PATTERN = re.compile(
    r"^\[\s*file:hashes\.(?:'(?P<quoted>[^']+)'|(?P<bare>[A-Za-z0-9_-]+))\s*=\s*'(?P<value>[^']*)'\s*\]$"
)


class _HashIndicator(stix2.v21.Indicator):  # type: ignore[misc]
    """An indicator whose pattern is one of the templates below, each checked by STIX's
    pattern grammar once (at import) rather than once per entry: the grammar's parser costs
    ten times the rest of building the object, and hash values are validated when stored."""

    def _check_object_constraints(self) -> None:
        super(stix2.v21.Indicator, self)._check_object_constraints()


def _pattern(name: str, value: str) -> str:
    return f"[file:hashes.'{name}' = '{value}']"


_SAMPLES = {"MD5": "0" * 32, "SHA-1": "0" * 40, "SHA-256": "0" * 64, "PDQ": "0" * 64}
for _name in HASH_NAMES.values():
    if run_validator(
        _pattern(_name, _SAMPLES.get(_name, "AAAA")), "2.1"
    ):  # pragma: no cover - a typo here
        raise ValueError(f"the STIX pattern of {_name} hashes does not parse")


def collection_id(list_id: str) -> str:
    return str(uuid.UUID(hex=list_id))


def object_id(entry_id: str) -> str:
    return f"indicator--{uuid.UUID(hex=entry_id)}"


def version_of(entry: HashEntry) -> datetime:
    """When this version of the entry came to be: what TAXII calls its date added."""
    return max(entry.updated_at, entry.created_at)


def indicator(entry: HashEntry, hash_list: HashList) -> dict[str, Any]:
    name = HASH_NAMES[entry.signal_type]
    label = classification.label(entry.classification_scheme, entry.classification)
    built = _HashIndicator(
        id=object_id(entry.id),
        created=entry.created_at,
        modified=version_of(entry),
        name=f"{name} of known material" + (f" ({label})" if label else ""),
        pattern=_pattern(name, entry.value),
        pattern_type="stix",
        valid_from=entry.created_at,
        revoked=entry.tombstoned_at is not None,
        object_marking_refs=[TLP2_MARKINGS[hash_list.tlp]],
        allow_custom=True,
        x_nohaven_list=hash_list.id,
        x_nohaven_classification_scheme=entry.classification_scheme,
        x_nohaven_classification=entry.classification,
        x_nohaven_series=entry.series,
        x_nohaven_pdq_quality=entry.pdq_quality,
    )
    found: dict[str, Any] = json.loads(built.serialize())  # plain JSON types for the envelope
    return found


def hash_of(pattern: str) -> tuple[str, str] | None:
    """(signal type, value) of an indicator over one file hash; None for any other pattern."""
    matched = _PATTERN.match(pattern.strip())
    if matched is None:
        return None
    name = (matched.group("quoted") or matched.group("bare") or "").upper()
    signal = SIGNAL_OF_NAME.get(name)
    return (signal, matched.group("value")) if signal else None
