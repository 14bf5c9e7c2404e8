"""Federation: this node among nodes. Its Ed25519 identity, the peers it is paired with (a
request, approved on the other side, keys pinned), the lists it subscribes to on a peer (a
local copy kept in step with the owner's change feed, matched here), and what travels back
to the owner: sightings where the subscribing organisation opted in, match feedback and trust
votes."""
