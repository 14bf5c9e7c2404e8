"""Organisations, bodies (alliances and their reference groups), memberships with roles and
terms, users and invitations."""
