"""The building blocks of the config schema: ranges, dates and dated points, and the error a user mistake raises.

Every number has a closed range the code can run with (and that means something): NaN and inf never pass, and
the upper bounds keep every product the model forms (hours as int64 timers, people x bytes, euros) finite. A
bound is a modelling or safety limit, not a data figure: widen one only with a test that such a run works.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


class ConfigError(ValueError):
    """A user mistake in a config: the message names the key and what is allowed."""


#: Dates the model accepts: a typo guard (the model is of the 2020s), well inside what `datetime` can add days to.
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


#: Hours a timer may be set ahead (ten years): far beyond any run, far below int64 overflow.
MAX_HOURS = 87_600


MAX_KM = 10_000.0  # no line, section, depth or walk is longer than this


MAX_COUNT = 10_000_000  # people, troops, tries: more than the crisis had, and a memory estimate checks runs anyway


MAX_EUR = 1e12  # per km or per person-day: far above any real price, far below float overflow in a season's sum


def between(default: float | int | None, lo: float, hi: float, *, open_lo: bool = False) -> Any:
    """A number in [lo, hi] (or (lo, hi] when `open_lo`), finite by construction."""
    return field(default=default, metadata={"min": lo, "max": hi, "open_lo": open_lo})


def prob(default: float) -> Any:
    """A probability in [0, 1]."""
    return between(default, 0.0, 1.0)


def hours(default: int, lo: int = 0) -> Any:
    """A duration in whole hours, from `lo` up to ten years."""
    return between(default, lo, MAX_HOURS)


def date_field(default: str | None) -> Any:
    return field(default=default, metadata={"date": True})


def parse_date(text: str, key: str) -> dt.date:
    """A config date; `ConfigError` naming the key unless it is YYYY-MM-DD between FIRST_DATE and LAST_DATE."""
    try:
        date = dt.date.fromisoformat(str(text))
    except ValueError:
        raise ConfigError(f"{key}: '{text}' is not a date; write it as YYYY-MM-DD") from None
    if not FIRST_DATE <= date <= LAST_DATE:
        raise ConfigError(f"{key}: {date} is out of range: allowed {FIRST_DATE} to {LAST_DATE}")
    return date


@dataclass
class DatedAmount:
    """A non-negative amount (people per day, km) at a date; profiles interpolate between points."""

    date: str = date_field("2021-08-01")
    value: float = between(0.0, 0, MAX_COUNT)


@dataclass
class DatedShare:
    """A share in [0, 1] at a date."""

    date: str = date_field("2021-08-01")
    value: float = prob(1.0)
