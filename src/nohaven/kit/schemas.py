"""Shared field types for everything a client sends (bodies, query strings, forms).

Each kind of field is bounded once here, so that no value can reach the database or the
calendar arithmetic that it cannot hold: integers fit a 64-bit column, moments and days stay
in years where adding a term of days or minutes cannot overflow. A test walks every route and
fails on an input field of these kinds that does not use them (tests/system/test_input_floor.py).
NUL characters are refused for all text before parsing (nohaven.limits).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, Field

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# Far enough for any real schedule, near enough that adding years of days stays in range.
FIRST_YEAR = 1900
LAST_YEAR = 2999


def _in_years(value: Any) -> Any:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must be between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
# Offsets, cursors, sequence numbers, versions, counts.
Count = Annotated[int, Field(ge=0, le=INT64_MAX)]
Moment = Annotated[AwareDatetime, AfterValidator(_in_years)]
Day = Annotated[date, AfterValidator(_in_years)]
# Any datetime (aware or naive, as the field accepts) within the years.
Instant = Annotated[datetime, AfterValidator(_in_years)]
