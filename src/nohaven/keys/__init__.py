"""The data keys: the key ring that seals personal data at rest, the register of every sealed
column, checking that each sealed value opens, and rotating the key-encryption key."""
