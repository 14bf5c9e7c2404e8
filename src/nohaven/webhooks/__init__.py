"""Webhooks: an organisation's own systems told of events as they happen.

An organisation's admin registers endpoints and chooses the kinds of event each receives.
Events are written in the transaction of the change that caused them (``events.publish``),
one delivery per subscribed endpoint; the job runner sends them signed by the Standard
Webhooks scheme, retries with backoff and pauses an endpoint that keeps failing."""
