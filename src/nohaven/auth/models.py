"""ORM classes of the auth domain."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

# Sign-in through organisations' OpenID providers keeps its table in its own module; it is
# this domain's, so its metadata and its sealed column are found here.
from nohaven.auth.oidc.models import OidcProvider, sealed_columns  # noqa: F401
from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id
from nohaven.members.models import User


class WebSession(Base):
    """A browser session; the cookie carries a signed random token whose hash is stored here,
    so a session can be revoked (logout, lockout, deactivation) on the server."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # False until the second factor is verified; such a session may only finish logging in.
    mfa_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="raise")


class RecoveryCode(Base):
    __tablename__ = "recovery_codes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    policy_kind: ClassVar[str] = "api_token"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    # The owner's organisation, kept on the token so policy needs no join to decide.
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The visible start of the token ("nh_" + 8 chars) to find it and to recognise it in lists.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="raise")


class LoginThrottle(Base):
    """Failed sign-in attempts under one key, and the pause they earned.

    A key is a keyed hash (never an address or IP in clear) of what is being counted: an
    account name together with the source address it was tried from, a source address alone,
    or a user's second factor. Counting an account per source is what keeps a stranger from
    locking the owner out: the owner's own source has a clean count."""

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    scope: Mapped[str] = mapped_column(String(24))
    key: Mapped[str] = mapped_column(String(64))
    # Failures since the last pause (or success); at the limit a pause starts and this resets.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # Pauses earned while the key kept failing: each one lasts twice as long as the one before.
    pauses: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class PasswordReset(Base):
    """A request to reset a password. Every request leaves a row, whether the address has an
    account or not (``user_id`` empty), so both take the same work and the throttle counts
    both alike. Only the hash of the link's token is kept; a link works once, until
    ``expires_at``."""

    __tablename__ = "password_resets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Keyed hashes of the address asked for and of the source that asked (never in clear).
    address_key: Mapped[str] = mapped_column(String(64), index=True)
    source_key: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
