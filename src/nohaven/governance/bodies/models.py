"""ORM classes of a body's governance: its standing orders."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from nohaven.db import Base
from nohaven.governance.motions.models import Majority


class StandingOrders(Base):
    """A body's standing orders: how it decides (quorum, majority) and whom it admits."""

    __tablename__ = "standing_orders"
    policy_kind: ClassVar[str] = "standing_orders"

    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), primary_key=True)
    # Share of voting members (in per cent) that must take part for a vote to count.
    quorum_percent: Mapped[int] = mapped_column(Integer, default=50)
    majority: Mapped[str] = mapped_column(String(20), default=Majority.SIMPLE)
    # Admission: organisation kinds that may apply (empty: any kind) …
    eligible_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    # … and whether an applicant must be on the register of WeProtect government members.
    requires_alliance_membership: Mapped[bool] = mapped_column(Boolean, default=False)
