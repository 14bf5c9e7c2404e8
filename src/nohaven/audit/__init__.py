"""The append-only, hash-chained record of every change and every read of sensitive data."""
