"""Service health and version."""
