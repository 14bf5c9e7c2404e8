"""Meetings of a body: cadence, scheduling, the agenda (members, reference groups and
registered initiatives propose), and the record of the meeting (attendance, minutes,
decisions, action items); `ics` exports a meeting to calendars."""
