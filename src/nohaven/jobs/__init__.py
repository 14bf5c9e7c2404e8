"""The one job runner: scheduled background work (sealing the audit chain, purges, expiry,
escalation, closing motions) that runs exactly once across every process and host.

Each domain lists its jobs in its ``jobs.py`` (``scheduled(settings)``); this package keeps
their schedule in the ``jobs`` table, claims a due job under a lock that only one process can
hold, and runs it in one transaction with its schedule update. See docs/jobs.md.
"""
