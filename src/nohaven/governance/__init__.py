"""Meetings, agendas, minutes, motions and one-member-one-vote decisions, joint statements,
commitments and progress, membership applications and initiative inputs."""
