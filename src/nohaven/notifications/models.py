"""ORM classes of the notifications domain: notices, who they are addressed to, how each
person wants to hear of them, and the e-mail outbox."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id


class Notice(Base):
    """One message in an organisation's inbox. Other domains write the text, and keep anything
    sensitive (selectors, personal data) out of it: the notice only points to where the
    authorised reader finds the details."""

    __tablename__ = "notices"
    policy_kind: ClassVar[str] = "notice"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))


class Delivery(enum.StrEnum):
    """How a person hears of a kind of notice beyond the inbox."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"
    INBOX = "inbox"


class NoticeAddressee(Base):
    """A person a notice is addressed to: someone who must act on it. The organisation's
    inbox still shows it to all its users."""

    __tablename__ = "notice_addressees"
    __table_args__ = (UniqueConstraint("notice_id", "user_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    notice_id: Mapped[str] = mapped_column(ForeignKey("notices.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    # What the person's preference was when the notice came: immediate, digest or inbox.
    delivery: Mapped[str] = mapped_column(String(16))
    # Set once the notice went into an e-mail (at once, or in a digest).
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NoticePreference(Base):
    """A person's choice for one kind of notice; without a row, the kind's default holds."""

    __tablename__ = "notice_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    delivery: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NoticeContact(Base):
    """The person an organisation designates for one area (travel notifications,
    deconfliction): its urgent notices go to them by e-mail, and they cannot turn that off."""

    __tablename__ = "notice_contacts"
    __table_args__ = (UniqueConstraint("organisation_id", "area", "user_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    area: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    SENT = "sent"  # the mail server accepted it
    BOUNCED = "bounced"  # the mail server refused the address for good
    FAILED = "failed"  # every attempt failed


class OutboxMessage(Base):
    """An e-mail to send, written in the same transaction as the change it tells of: a
    rolled-back change leaves no message, and a message survives the mail server being down.
    The job runner sends it. Its text never holds sensitive content (docs/notices-and-email.md)."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "status", "next_attempt_at"),)
    policy_kind: ClassVar[str] = "mail_message"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # What it is about, in the words of the notice kinds ("travel.notification",
    # "auth.password_reset", "governance.meeting.invitation"…).
    kind: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    # The page the message points to, a path under the site's address (settings.mail.site_url,
    # joined when sending). A one-time link (a password reset) is erased once sent or failed.
    link: Mapped[str | None] = mapped_column(String(300))
    # An iCalendar attachment (meeting invitations) and its METHOD (REQUEST, CANCEL).
    calendar: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[str | None] = mapped_column(String(16))
    # The wording it is sent in and the values that wording needs (`nohaven.notifications.
    # emails`): worded at sending, in the recipient's language. Subject and text above are the
    # same message in the source language, for the mail log.
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MailAttempt(Base):
    """The delivery log: one row per attempt to hand a message to the mail server."""

    __tablename__ = "mail_attempts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    message_id: Mapped[str] = mapped_column(ForeignKey("mail_outbox.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "sent", "deferred" (will retry), "bounced" or "failed"
    outcome: Mapped[str] = mapped_column(String(16))
    # The server's answer or the connection error, never the message itself.
    detail: Mapped[str] = mapped_column(String(300), default="")


class CalendarEntry(Base):
    """An event sent to people's calendars (a meeting), and how many times it changed: each
    update or cancellation carries a higher SEQUENCE, so calendars replace what they hold."""

    __tablename__ = "calendar_entries"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # What the event is, in its domain's words ("meeting:<id>").
    key: Mapped[str] = mapped_column(String(80), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
