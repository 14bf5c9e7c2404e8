"""Blind overlap detection: OPRF-blinded selector registrations, mutual hits, outcomes, quotas
and expiry. The server stores tokens, never selectors."""
