"""Making an archive of the database and restoring one (see `archive` for the format)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from nohaven import migrate
from nohaven.audit import service as audit
from nohaven.audit.models import AuditEntry
from nohaven.auth.actor import Actor
from nohaven.backup import archive, database
from nohaven.config import Settings
from nohaven.db import session_scope
from nohaven.keys import service as keys
from nohaven.keys.ring import data_keyring
from nohaven.kit.clock import utcnow

Progress = Callable[[int], None]


def make_backup(
    settings: Settings,
    output: Path,
    *,
    on_start: Callable[[int], None] | None = None,
    on_chunk: Progress | None = None,
) -> archive.Header:
    """Write an encrypted archive of the database to ``output`` (replaced atomically)."""
    ring = data_keyring(settings)
    backend = database.backend_of(settings.database_url)
    with session_scope(settings) as session:
        audit.record(
            session,
            actor=Actor.system("backup"),
            action="system.backup",
            resource_type="database",
            summary={"backend": backend, "key_id": ring.current_id},
        )
        session.flush()
        head, entries = audit.head_hash(session), audit.count(session)
    with tempfile.TemporaryDirectory(prefix="nohaven-backup-") as tmp:
        image = Path(tmp) / "database.image"
        database.snapshot(settings.database_url, image)
        salt, prefix = archive.new_salt_and_prefix()
        header = archive.Header(
            backend=backend,
            created_at=utcnow().isoformat(timespec="seconds"),
            key_id=ring.current_id,
            salt=salt,
            nonce_prefix=prefix,
            payload_bytes=image.stat().st_size,
            audit_head=head,
            audit_entries=entries,
        )
        if on_start:
            on_start(header.payload_bytes)
        partial = output.with_name(output.name + ".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out, image.open("rb") as source:
            archive.write(out, header, ring, source, on_chunk=on_chunk)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(output)
    return header


@dataclass(frozen=True)
class RestoreReport:
    header: archive.Header
    audit_ok: bool
    audit_reason: str
    audit_entries: int
    sealed_opened: int
    sealed_failed: int

    @property
    def ok(self) -> bool:
        return self.audit_ok and self.sealed_failed == 0


def restore(
    settings: Settings,
    source: Path,
    *,
    on_start: Callable[[int], None] | None = None,
    on_chunk: Progress | None = None,
) -> RestoreReport:
    """Bring an archive back into the empty database of ``settings``, then bring its schema
    up to date and check its audit chain and every sealed value."""
    ring = data_keyring(settings)
    url = settings.database_url
    with source.open("rb") as stream:
        header, chunks = archive.read(stream, ring)
        if header.backend != database.backend_of(url):
            raise database.DatabaseError(
                f"the archive holds a {header.backend} database; set NOHAVEN_DATABASE_URL to "
                f"an empty {header.backend} database"
            )
        if not database.is_empty(url):
            raise database.DatabaseError(
                "the target database is not empty; restore only into an empty one"
            )
        if on_start:
            on_start(header.payload_bytes)
        with tempfile.TemporaryDirectory(prefix="nohaven-restore-") as tmp:
            image = Path(tmp) / "database.image"
            with image.open("wb") as out:
                # Every chunk is authenticated before the image is loaded: a damaged or
                # altered archive stops here and the database stays empty.
                for chunk in chunks:
                    out.write(chunk)
                    if on_chunk:
                        on_chunk(len(chunk))
            database.load(url, image, header.backend)
    migrate.upgrade(url)
    with session_scope(settings) as session:
        verification = audit.verify(session)
        has_head = header.audit_head == audit.GENESIS or bool(
            session.scalar(select(func.count()).where(AuditEntry.entry_hash == header.audit_head))
        )
        reason = verification.reason
        if verification.ok and not has_head:
            reason = "the chain does not contain the head recorded when the archive was made"
        checked = keys.check(session, ring, actor=Actor.system("restore"))
        audit.record(
            session,
            actor=Actor.system("restore"),
            action="system.restore",
            resource_type="database",
            summary={
                "archive_created_at": header.created_at,
                "key_id": header.key_id,
                "audit_ok": verification.ok and has_head,
                "sealed_opened": checked.opened,
                "sealed_failed": len(checked.failures),
            },
        )
        return RestoreReport(
            header=header,
            audit_ok=verification.ok and has_head,
            audit_reason=reason,
            audit_entries=verification.checked,
            sealed_opened=checked.opened,
            sealed_failed=len(checked.failures),
        )
