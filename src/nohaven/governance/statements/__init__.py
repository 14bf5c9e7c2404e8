"""Joint statements: drafted in versions with comments, adopted by a motion, published with
their signatories."""
