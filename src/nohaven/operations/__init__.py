"""Coordinated operations: each body's programme of activity (operations, awareness campaigns,
products), the participants of an operation and their points of contact, action days,
briefings, referrals of suspects between participants (sealed, every read audited), results
per action day and the joint results statement drafted from the totals."""
