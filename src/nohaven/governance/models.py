"""ORM classes of the governance domain."""
