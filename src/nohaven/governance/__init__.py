"""Governance of the alliance's bodies, one room per concept:

* `bodies` — a body's seats with a vote, its standing orders, the hand-over of its chair;
* `motions` — tabling, one-member-one-vote, counting and closing (knows nothing of its users);
* `meetings` — cadence, agenda, attendance, minutes, decisions, action items, calendars;
* `statements` — joint statements from draft to publication;
* `progress` — the mission statement, commitments, signatures, progress reports, showcase;
* `applications` — applications to join a body and their vote;
* `public` — public pages, feeds and the contact form.

`flows` joins the rooms (a carried motion adopts a statement or admits an applicant);
`rules` holds the access rules of every room, registered with the one policy function."""
