"""ORM classes of OpenID Connect sign-in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.crypto import SealedColumn
from nohaven.kit.ids import new_id


class OidcProvider(Base):
    """An organisation's OpenID provider: at most one per organisation."""

    __tablename__ = "oidc_providers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), unique=True)
    issuer: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[str] = mapped_column(String(200))
    # Sealed under the data keys, like personal data.
    client_secret_sealed: Mapped[str] = mapped_column(Text)
    # Lower-case e-mail domains whose addresses may sign in through it.
    allowed_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The claim holding the person's groups or roles, and which of its values give which
    # nohaven roles ({"nohaven-analysts": ["analyst"]}).
    role_claim: Mapped[str] = mapped_column(String(100), default="groups")
    role_map: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    # amr values (RFC 8176: "mfa", "otp", "hwk"…) or acr values that the organisation accepts
    # as its people's second factor; empty lists: nohaven's own TOTP is still asked.
    trusted_amr: Mapped[list[str]] = mapped_column(JSON, default=list)
    trusted_acr: Mapped[list[str]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def sealed_columns() -> list[SealedColumn]:
    return [SealedColumn("oidc_providers", "client_secret_sealed", field="client_secret")]
