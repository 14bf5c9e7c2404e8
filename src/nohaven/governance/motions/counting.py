"""Counting a vote: pure, so that it is tested on its own (the rules are in the docstring
of `nohaven.governance.motions`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from nohaven.governance.motions.models import ABSTAIN, Majority, Outcome


@dataclass(frozen=True)
class Result:
    tally: dict[str, int]
    eligible: int
    turnout: int
    quorum_met: bool
    winner: str | None
    outcome: Outcome


def count(
    *,
    options: Sequence[str],
    ballots: Sequence[str],
    eligible: int,
    quorum_percent: int,
    majority: str,
) -> Result:
    """The result of a vote: pure, so it is tested on its own."""
    tally = dict.fromkeys(options, 0)
    for choice in ballots:
        tally[choice] = tally.get(choice, 0) + 1
    turnout = len(ballots)
    quorum_met = eligible > 0 and Fraction(turnout, eligible) * 100 >= quorum_percent
    counted = {o: n for o, n in tally.items() if o != ABSTAIN}
    cast = sum(counted.values())
    winner: str | None = None
    if quorum_met and cast > 0:
        top = max(counted.values())
        leaders = [o for o, n in counted.items() if n == top]
        if len(leaders) == 1:
            share = Fraction(top, cast)
            needed = {
                Majority.SIMPLE: share > Fraction(1, 2),
                Majority.TWO_THIRDS: share >= Fraction(2, 3),
                Majority.CONSENSUS: share == 1,
            }[Majority(majority)]
            if needed:
                winner = leaders[0]
    if not quorum_met:
        outcome = Outcome.NO_QUORUM
    elif winner is not None and winner == options[0]:
        outcome = Outcome.CARRIED
    else:
        outcome = Outcome.NOT_CARRIED
    return Result(
        tally=tally,
        eligible=eligible,
        turnout=turnout,
        quorum_met=quorum_met,
        winner=winner,
        outcome=outcome,
    )
