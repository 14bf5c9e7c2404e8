"""A body as governance sees it: finding it by id or slug, its seats with a vote, its
secretariat, its standing orders (quorum, majority, admission) and the hand-over of its chair."""
