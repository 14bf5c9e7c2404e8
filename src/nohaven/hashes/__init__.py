"""Hash lists of known material (hashes only, never media), entries and their classifications,
trust votes, tombstones, the in-memory matching index, import/export and change feeds."""
