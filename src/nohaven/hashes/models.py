"""ORM classes of the hashes domain."""
