"""Benchmark: the as-of gap analysis over a long approved history.

Builds a throw-away SQLite database with every ISO country × every criterion × VERSIONS
approved versions, then times the analysis (the latest version per country and criterion
picked in SQL) against the anchor of loading every approved version and keeping the last one
in Python. Prints one JSON line.
"""

from __future__ import annotations

import os

# A throw-away database of invented data: demo mode, so no real secrets are needed.
os.environ.setdefault("NOHAVEN_DEMO", "true")

import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from nohaven import migrate
from nohaven.auth.actor import Actor
from nohaven.config import get_settings
from nohaven.db import session_scope
from nohaven.members.models import Organisation
from nohaven.policy import criteria, gaps
from nohaven.policy.models import Assessment
from nohaven.policy.regions import countries

VERSIONS = 5
RUNS = 5


def _median_ms(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1)


def main() -> None:
    random.seed(7)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        settings = get_settings().model_copy(update={"database_url": url})
        system = Actor.system("bench")
        with session_scope(settings) as session:
            framework, _ = criteria.load_framework(
                session, actor=system, text=criteria.shipped_text()
            )
            org = Organisation(name="Bench", kind="government", country="GB")
            session.add(org)
            session.flush()
            for code in countries():
                for c in framework.criteria:
                    for v in range(VERSIONS):
                        moment = datetime(2020 + v, 3, 1, tzinfo=UTC)
                        session.add(
                            Assessment(
                                country=code,
                                criterion_key=c.key,
                                status=random.choice(["met", "partially_met", "not_met"]),
                                state="approved",
                                organisation_id=org.id,
                                assessor_label="bench",
                                reviewer_label="bench",
                                decided_at=moment,
                                created_at=moment,
                                updated_at=moment,
                            )
                        )
        with session_scope(settings) as session:

            def anchor() -> None:
                latest = {}
                rows = session.execute(
                    select(Assessment)
                    .where(Assessment.state == "approved")
                    .order_by(Assessment.decided_at, Assessment.id)
                ).scalars()
                for a in rows:
                    latest[(a.country, a.criterion_key)] = a
                session.expunge_all()

            def analysis() -> None:
                gaps.analysis(session, actor=system)
                session.expunge_all()

            def progress() -> None:
                gaps.progress(session, actor=system)

            rows = len(countries()) * len(framework.criteria) * VERSIONS
            anchor_ms = _median_ms(anchor)
            analysis_ms = _median_ms(analysis)
            progress_ms = _median_ms(progress)
    sys.stdout.write(
        json.dumps(
            {
                "bench": "policy_gaps",
                "approved_versions": rows,
                "anchor_load_all_ms": anchor_ms,
                "analysis_ms": analysis_ms,
                "progress_ms": progress_ms,
                "analysis_vs_anchor": round(analysis_ms / anchor_ms, 2),
            }
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
