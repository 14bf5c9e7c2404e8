"""ORM classes of the travel domain."""
