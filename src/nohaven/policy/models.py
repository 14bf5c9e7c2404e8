"""ORM classes of the policy domain."""
