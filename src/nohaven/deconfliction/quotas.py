"""Evaluation quotas (token buckets kept in the database) and unusual-hit-ratio flags.

Every OPRF evaluation is one online guess; the buckets bound how many guesses a user and an
organisation can make, with a burst allowance for bulk registration. A bucket row is locked
for the update (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.config import DeconflictionSettings
from nohaven.deconfliction.models import HitParty, QuotaBucket, RatioFlag, Registration
from nohaven.errors import Forbidden, TooManyRequests
from nohaven.kit.clock import as_utc, utcnow
from nohaven.members.models import User, UserRole
from nohaven.notifications import service as notifications


def _bucket(
    session: Session, subject: str, organisation_id: str, capacity: int, now: datetime
) -> QuotaBucket:
    bucket = session.execute(
        select(QuotaBucket).where(QuotaBucket.subject == subject).with_for_update()
    ).scalar_one_or_none()
    if bucket is None:
        bucket = QuotaBucket(
            subject=subject,
            organisation_id=organisation_id,
            tokens=float(capacity),
            updated_at=now,
            evaluations_total=0,
            refused_total=0,
        )
        session.add(bucket)
        session.flush()
    return bucket


def _refill(bucket: QuotaBucket, capacity: int, per_hour: int, now: datetime) -> None:
    elapsed = max(0.0, (now - as_utc(bucket.updated_at)).total_seconds())
    bucket.tokens = min(float(capacity), bucket.tokens + elapsed * per_hour / 3600.0)
    bucket.updated_at = now


def consume(session: Session, *, actor: Actor, count: int, limits: DeconflictionSettings) -> None:
    """Take ``count`` evaluations from the user's and the organisation's buckets, or refuse
    the whole batch (429) without taking anything."""
    if actor.organisation_id is None:
        raise Forbidden("Deconfliction is for member agencies' analysts.")
    now = utcnow()
    buckets = [
        (
            _bucket(
                session, f"user:{actor.user_id}", actor.organisation_id, limits.user_burst, now
            ),
            limits.user_burst,
            limits.user_per_hour,
            "your",
        ),
        (
            _bucket(
                session,
                f"org:{actor.organisation_id}",
                actor.organisation_id,
                limits.org_burst,
                now,
            ),
            limits.org_burst,
            limits.org_per_hour,
            "your organisation's",
        ),
    ]
    for bucket, capacity, per_hour, _ in buckets:
        _refill(bucket, capacity, per_hour, now)
    for bucket, capacity, per_hour, whose in buckets:
        if bucket.tokens < count:
            wait = (count - bucket.tokens) * 3600.0 / per_hour if per_hour else float("inf")
            hint = f"try again in {int(wait) + 1} s" if count <= capacity else "send less"
            raise TooManyRequests(
                f"This batch of {count} evaluations exceeds {whose} deconfliction quota "
                f"({int(bucket.tokens)} left, {per_hour} per hour, burst {capacity}); {hint}."
            )
    for bucket, *_ in buckets:
        bucket.tokens -= count
        bucket.evaluations_total += count
    session.flush()


def record_refusal(session: Session, *, actor: Actor, count: int) -> None:
    """Count a refused batch. Called by the HTTP layer in a transaction of its own, since the
    request's transaction is rolled back with the 429."""
    if actor.organisation_id is None:
        return
    for subject in (f"user:{actor.user_id}", f"org:{actor.organisation_id}"):
        bucket = session.get(QuotaBucket, subject)
        if bucket is not None:
            bucket.refused_total += count
    audit.record(
        session,
        actor=actor,
        action="deconfliction.evaluate.refused",
        resource_type="deconfliction_evaluation",
        summary={"count": count},
    )
    session.flush()


def buckets(session: Session) -> Sequence[QuotaBucket]:
    return session.execute(select(QuotaBucket).order_by(QuotaBucket.subject)).scalars().all()


def secretariat_organisations(session: Session) -> list[str]:
    rows = session.execute(
        select(User.organisation_id, User.roles).where(User.is_active.is_(True))
    ).all()
    return sorted({org for org, roles in rows if UserRole.SECRETARIAT_ADMIN.value in roles})


def check_hit_ratio(
    session: Session, *, actor: Actor, organisation_id: str, limits: DeconflictionSettings
) -> RatioFlag | None:
    """Flag an organisation to the secretariat when today's registrations hit unusually often:
    a member testing guessed selectors shows up as many registrations that all hit."""
    now = utcnow()
    since = now - timedelta(hours=24)
    registrations = session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.organisation_id == organisation_id, Registration.created_at >= since)
    )
    hits = session.scalar(
        select(func.count())
        .select_from(HitParty)
        .where(HitParty.organisation_id == organisation_id, HitParty.joined_at >= since)
    )
    registrations, hits = int(registrations or 0), int(hits or 0)
    if registrations < limits.ratio_min_registrations:
        return None
    if hits / registrations < limits.ratio_threshold:
        return None
    day = now.date().isoformat()
    existing = session.execute(
        select(RatioFlag).where(RatioFlag.organisation_id == organisation_id, RatioFlag.day == day)
    ).scalar_one_or_none()
    if existing is not None:
        return None
    flag = RatioFlag(
        organisation_id=organisation_id, day=day, registrations=registrations, hits=hits
    )
    session.add(flag)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="deconfliction.ratio_flag",
        resource_type="deconfliction_ratio_flag",
        resource_id=flag.id,
        organisation_id=organisation_id,
        summary={"registrations": registrations, "hits": hits},
    )
    for secretariat in secretariat_organisations(session):
        notifications.notify(
            session,
            actor=Actor.system("deconfliction"),
            organisation_id=secretariat,
            kind="deconfliction.ratio_flag",
            title="Unusual deconfliction hit ratio",
            body="A member organisation's registrations of the last 24 hours hit unusually "
            "often. Review it on the deconfliction quotas page.",
            link="/deconfliction/quotas",
        )
    return flag
