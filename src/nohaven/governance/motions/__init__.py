"""Motions and one-member-one-vote decisions: the engine that tables, counts and closes them.

Who votes: one vote per organisation holding a voting seat (`VOTING_ROLES`: chair,
vice-chair, member) in the motion's body on the day the vote is cast, cast by a user of that
organisation with the delegate role. Observers, affiliates and the secretariat do not vote.
A vote may be changed until the motion closes; after that it is rejected.

Counting (at close, deterministic): abstentions count towards the quorum (turnout) but not
towards the majority. Quorum is met when the organisations that took part are at least
``quorum_percent`` of the organisations with a voting seat on the closing day. The leading
option wins if it is the only one with the most votes and it holds

* simple: more than half of the non-abstaining votes,
* two-thirds: at least two thirds of them,
* consensus: all of them (and there is at least one);

a tie therefore never wins. The motion is *carried* when the winner is its first option
("yes" by default).

Closing. A motion is closed by the explicit close action (early, or to record the result at
once) or by the ``governance.close_motions`` job after its closing time, never by a read: until
then its pages say that voting has ended and the votes are being counted. Both take the
motion's row lock (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite has one writer at a time), and
so does a vote, so a result is recorded exactly once and counts every vote that was cast.
What a carried motion sets in motion (a statement adopted, an applicant admitted) is not the
engine's business: `nohaven.governance.flows` does it.

Secret ballots. The design keeps *that* an organisation voted apart from *what* it voted:

* `Participation` (motion, organisation) says that an organisation voted; its unique
  constraint is what prevents double voting.
* `Ballot` (motion, option, receipt hash) holds the vote with no organisation column.
* Neither table has a timestamp, and their ids are random (uuid4), so no column re-links them.
* On SQLite the ballot table is created ``WITHOUT ROWID``, so its physical order is that of
  the random ids, not of insertion. On PostgreSQL every vote rewrites all ballots of the motion,
  one by one in id order, in the voter's transaction: every live ballot then carries that
  transaction's id (``xmin``) and sits at a position unrelated to when it was cast.
* The voter gets a random receipt once; only its SHA-256 is stored. Changing a secret vote
  needs the receipt; nobody else can find the ballot. The audit chain records that an
  organisation voted (or changed its vote), never the option.

Not covered (operational, documented for deployers): a database administrator logging
statements, or reading WAL files or dead tuples before VACUUM, can still observe a vote as it
is cast. Turn statement logging off for this table and vacuum after each close.
"""
