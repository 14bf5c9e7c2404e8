"""Sync as a job of the one job runner: each run applies the next page of every due
subscription (in the run's transaction, with its checkpoint) and, once a subscription is at
its owner's head, sends the owner our reports. A full page means more: the runner goes again
at once."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.federation import repository as repo
from nohaven.federation import service, sync
from nohaven.jobs.registry import Job, JobContext, Outcome


def sync_subscriptions(session: Session, context: JobContext) -> Outcome:
    settings = context.settings
    me = service.node_identity(settings)
    applied = recalled = reported = errors = 0
    more = False
    with httpx.Client(timeout=settings.federation.timeout_seconds) as http:
        for sub, _peer in repo.due_subscriptions(session):
            outcome = sync.sync_page(
                session,
                subscription_id=sub.id,
                me=me,
                http=http,
                page_size=settings.federation.page_size,
            )
            applied += outcome.applied
            recalled += int(outcome.recalled)
            errors += int(outcome.error is not None)
            if outcome.more:
                more = True
            elif outcome.error is None and not outcome.recalled:
                reported += sync.report_back(session, subscription_id=sub.id, me=me, http=http)
    counts = {"applied": applied, "recalled": recalled, "reported": reported, "errors": errors}
    return Outcome(counts, more=more)


def pull_taxii_sources(session: Session, context: JobContext) -> Outcome:
    from nohaven.federation.taxii import source as taxii_source
    from nohaven.keys.ring import data_keyring

    keys = data_keyring(context.settings)
    added = tombstoned = errors = 0
    for found in repo.taxii_sources(session):
        outcome = taxii_source.pull(session, source_id=found.id, keys=keys)
        added += outcome.added
        tombstoned += outcome.tombstoned
        errors += int(outcome.error is not None)
    return Outcome({"added": added, "tombstoned": tombstoned, "errors": errors})


def scheduled(settings: Settings) -> list[Job]:
    jobs = [
        Job(
            name="federation.taxii_pull",
            every=timedelta(seconds=settings.federation.sync_seconds),
            run=pull_taxii_sources,
            description="Read what TAXII collections elsewhere added into the lists they feed.",
        )
    ]
    if settings.federation.node_key_file is not None:  # federation between nodes is on
        jobs.append(
            Job(
                name="federation.sync",
                every=timedelta(seconds=settings.federation.sync_seconds),
                run=sync_subscriptions,
                description="Bring the copies of peers' lists to their owners' heads; report back.",
            )
        )
    return jobs
