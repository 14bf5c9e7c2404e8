"""`nohaven scan`: hash files on this machine and match the hashes, never the files, against a
server's lists (over the API) or the local database's.

Each file yields up to four queries (MD5, SHA-1, SHA-256 and, for images of sufficient quality,
PDQ); the matches of all four are reported against the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.errors import InvalidInput, NotAuthenticated
from nohaven.hashes import classification, matching
from nohaven.hashes.signals import MIN_PDQ_QUALITY

BATCH = 1000  # queries per request; servers accept up to settings.match_batch_max


@dataclass(frozen=True)
class ScanMatch:
    signal_type: str
    distance: int
    list_id: str
    list_name: str
    owner: str
    tlp: str
    entry_id: str
    classification: str
    series: str | None
    # Doubts on the match (a benign list holds the hash, the entry is quarantined).
    flags: tuple[str, ...] = ()


@dataclass
class ScannedFile:
    """``error`` says why a file could not be hashed at all; ``note`` why a hash is missing
    (a video has no PDQ) while its other hashes were still matched."""

    path: str
    error: str | None = None
    matches: list[ScanMatch] = field(default_factory=list)
    note: str | None = None


class HashedFile(Protocol):
    """What `nohaven.hashes.hashing.hash_files` yields per file."""

    @property
    def path(self) -> str: ...
    @property
    def md5(self) -> str | None: ...
    @property
    def sha1(self) -> str | None: ...
    @property
    def sha256(self) -> str | None: ...
    @property
    def pdq(self) -> str | None: ...
    @property
    def pdq_quality(self) -> int | None: ...
    @property
    def error(self) -> str | None: ...


def queries_of(hashed: HashedFile) -> list[tuple[str, str]]:
    """Only hashes leave the machine; PDQ only when its quality makes a match meaningful."""
    found = [
        (kind, value)
        for kind, value in (("md5", hashed.md5), ("sha1", hashed.sha1), ("sha256", hashed.sha256))
        if value
    ]
    if hashed.pdq and (hashed.pdq_quality or 0) >= MIN_PDQ_QUALITY:
        found.append(("pdq", hashed.pdq))
    return found


# A matcher takes (signal type, value) queries and returns, per query, its matches.
Matcher = Callable[[Sequence[tuple[str, str]]], list[list[ScanMatch]]]


def remote_matcher(client: Any, token: str, *, pdq_threshold: int | None = None) -> Matcher:
    """Matches through `POST /api/v1/match` with an httpx-compatible client whose base URL is
    the server."""

    def run(queries: Sequence[tuple[str, str]]) -> list[list[ScanMatch]]:
        payload: dict[str, Any] = {"queries": [{"signal_type": k, "value": v} for k, v in queries]}
        if pdq_threshold is not None:
            payload["pdq_threshold"] = pdq_threshold
        response = client.post(
            "/api/v1/match", json=payload, headers={"Authorization": f"Bearer {token}"}
        )
        if response.status_code == 401:
            raise NotAuthenticated("The server refused the token.")
        if response.status_code != 200:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            raise InvalidInput(f"The server answered {response.status_code}: {detail}")
        return [
            [
                ScanMatch(
                    signal_type=result["signal_type"],
                    distance=hit["distance"],
                    list_id=hit["list"]["id"],
                    list_name=hit["list"]["name"],
                    owner=hit["list"]["owner_organisation_name"],
                    tlp=hit["list"]["tlp"],
                    entry_id=hit["entry"]["id"],
                    classification=classification.label(
                        hit["entry"]["classification_scheme"], hit["entry"]["classification"]
                    ),
                    series=hit["entry"]["series"],
                    flags=tuple(hit.get("flags", ())),
                )
                for hit in result["matches"]
            ]
            for result in response.json()["results"]
        ]

    return run


def local_matcher(
    session: Session,
    actor: Actor,
    index: matching.HashIndex,
    *,
    settings: Settings,
    pdq_threshold: int | None = None,
) -> Matcher:
    """Matches against the local database as ``actor`` (sightings recorded as for the API)."""

    def run(queries: Sequence[tuple[str, str]]) -> list[list[ScanMatch]]:
        results = matching.match(
            session,
            actor=actor,
            index=index,
            queries=queries,
            settings=settings,
            pdq_threshold=pdq_threshold,
        )
        owners = {h.hash_list.owner_organisation_id: h.owner_name for r in results for h in r.hits}
        return [
            [
                ScanMatch(
                    signal_type=r.signal_type,
                    distance=h.distance,
                    list_id=h.hash_list.id,
                    list_name=h.hash_list.name,
                    owner=owners.get(h.hash_list.owner_organisation_id, ""),
                    tlp=h.hash_list.tlp,
                    entry_id=h.entry.id,
                    classification=classification.label(
                        h.entry.classification_scheme, h.entry.classification
                    ),
                    series=h.entry.series,
                    flags=tuple(h.flags),
                )
                for h in r.hits
            ]
            for r in results
        ]

    return run


def _chunks(hashed: Iterable[HashedFile], size: int) -> Iterator[list[HashedFile]]:
    batch: list[HashedFile] = []
    count = 0
    for item in hashed:
        batch.append(item)
        count += len(queries_of(item))
        if count >= size:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch


def scan(
    hashed: Iterable[HashedFile],
    matcher: Matcher,
    *,
    on_file: Callable[[ScannedFile], None] | None = None,
    batch: int = BATCH,
) -> list[ScannedFile]:
    """Match every hashed file; ``on_file`` is called as each file's result is known."""
    scanned: list[ScannedFile] = []
    for group in _chunks(hashed, batch):
        queries: list[tuple[str, str]] = []
        owners: list[int] = []
        files = [_scanned(h) for h in group]
        for position, item in enumerate(group):
            # every hash a file has is matched: a video or an archive has no PDQ, but its
            # MD5, SHA-1 and SHA-256 identify it exactly
            for query in queries_of(item):
                queries.append(query)
                owners.append(position)
        results = matcher(queries) if queries else []
        for position, matches in zip(owners, results, strict=True):
            files[position].matches.extend(matches)
        for f in files:
            # one line per entry, the closest signal first
            best: dict[str, ScanMatch] = {}
            for m in sorted(f.matches, key=lambda m: m.distance):
                best.setdefault(m.entry_id, m)
            f.matches = list(best.values())
            if on_file is not None:
                on_file(f)
        scanned.extend(files)
    return scanned


def _scanned(hashed: HashedFile) -> ScannedFile:
    if queries_of(hashed) or not hashed.error:
        return ScannedFile(path=str(hashed.path), note=hashed.error)
    return ScannedFile(path=str(hashed.path), error=hashed.error)


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files under the given paths, in a stable order; a missing path is an error."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InvalidInput(f"{path} does not exist.")
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        else:
            found.append(path)
    return found
