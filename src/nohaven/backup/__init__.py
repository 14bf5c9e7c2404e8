"""Backup and restore: a consistent, encrypted archive of the whole database, and bringing
one back into an empty database with its audit chain and sealed values checked."""
