"""Demo data of the hashes domain (idempotent: loading twice changes nothing)."""

from __future__ import annotations

from sqlalchemy.orm import Session


def load(session: Session) -> None:
    """Add this domain's demo records; members and users are already there."""
