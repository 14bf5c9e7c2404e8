"""ORM classes of the deconfliction domain."""
