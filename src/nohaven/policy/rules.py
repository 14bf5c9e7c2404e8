"""Policy rules of the policy domain, registered with `nohaven.auth.policy.rule`.

Imported by `nohaven.auth.policy` so that `can()` knows every resource kind.
"""
