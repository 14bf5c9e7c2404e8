"""Passwords (argon2id), TOTP second factor, web sessions, API tokens and the one policy
function ``can(actor, action, resource)``."""
