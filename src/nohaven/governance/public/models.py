"""ORM classes of the public contact form."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from nohaven.db import Base, UTCDateTime
from nohaven.keys.sealing import open_value, row_session, seal_value
from nohaven.kit.clock import utcnow
from nohaven.kit.crypto import SealedColumn
from nohaven.kit.ids import new_id


class ContactMessage(Base):
    __tablename__ = "contact_messages"
    policy_kind: ClassVar[str] = "contact_message"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    # A member of the public's name, address and words are personal data: sealed at rest under
    # the data keys (``contact_messages.<field>:<id>``), opened only through the properties
    # below by a reader whose list or read the service has audited.
    name_sealed: Mapped[str] = mapped_column(Text)
    email_sealed: Mapped[str] = mapped_column(Text)
    subject_sealed: Mapped[str] = mapped_column(Text)
    message_sealed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The secretariat's queue: a message is open until someone marks it handled (or replies).
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    handled_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def seal(self, session: Session, **fields: str) -> None:
        """Set ``name``, ``email``, ``subject`` and ``message``, sealed for this row."""
        for field, value in fields.items():
            if field not in CONTACT_FIELDS:
                raise TypeError(f"a contact message has no field {field!r}")
            sealed = seal_value(session, self.__tablename__, field, self.id, value)
            setattr(self, f"{field}_sealed", sealed)

    def _open(self, field: str) -> str:
        sealed = getattr(self, f"{field}_sealed")
        return open_value(row_session(self), self.__tablename__, field, self.id, sealed) or ""

    @property
    def name(self) -> str:
        return self._open("name")

    @property
    def email(self) -> str:
        return self._open("email")

    @property
    def subject(self) -> str:
        return self._open("subject")

    @property
    def message(self) -> str:
        return self._open("message")


CONTACT_FIELDS = ("name", "email", "subject", "message")


def sealed_columns() -> list[SealedColumn]:
    """The public's contact messages, sealed under the data keys (see `nohaven.keys`)."""
    return [
        SealedColumn("contact_messages", f"{field}_sealed", field=field) for field in CONTACT_FIELDS
    ]


class ContactAttempt(Base):
    """One submission of the public contact form, by a keyed hash of the sender's address:
    the per-address rate limit lives in the database, so it holds across app servers."""

    __tablename__ = "contact_attempts"
    policy_kind: ClassVar[str] = "contact_message"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    client_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
