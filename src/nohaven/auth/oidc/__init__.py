"""Signing in through an organisation's own OpenID provider (authorisation code with PKCE).

An organisation's admin (or the secretariat) configures its provider: issuer, client, the
e-mail domains its people sign in with, how a claim's values map to nohaven roles, and
whether the provider's ``amr``/``acr`` claims stand for nohaven's second factor."""
