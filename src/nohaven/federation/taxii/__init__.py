"""STIX 2.1 and TAXII 2.1 at the edge: the lists an actor may see served as TAXII
collections of STIX indicators (`api`), and a TAXII collection elsewhere as the source of a
list (`source`)."""
