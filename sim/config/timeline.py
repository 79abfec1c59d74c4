"""Dates, hours and dated inputs.

The model steps in hours from `start_date`; inputs are given by date (troop ramps, arrival profiles, fence
construction). `profile()` turns `{date, value}` points into one value per day, so daily lookups are array reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

import numpy as np

HOURS_PER_DAY = 24


class DatedPoint(Protocol):
    date: str
    value: float


class Calendar:
    """Maps model hours to days and dates."""

    def __init__(self, start_date: str | dt.date, days: int) -> None:
        self.start = dt.date.fromisoformat(start_date) if isinstance(start_date, str) else start_date
        self.days = int(days)
        self.hours = self.days * HOURS_PER_DAY

    def date(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=int(day))

    def day_of(self, date: str | dt.date) -> int:
        """Day index of a date (may be negative or beyond the run)."""
        d = dt.date.fromisoformat(date) if isinstance(date, str) else date
        return (d - self.start).days

    def dates(self) -> list[dt.date]:
        return [self.date(d) for d in range(self.days)]

    def months(self) -> np.ndarray:
        """Month number (1..12) of each day of the run."""
        return np.array([d.month for d in self.dates()], dtype=np.int8)


def profile(
    points: Sequence[DatedPoint], calendar: Calendar, *, interpolate: bool = True, before: float | None = None
) -> np.ndarray:
    """Value of dated points on each day of the run.

    Linear between points when `interpolate`, else each value holds until the next date. After the last point
    the last value holds. Before the first point the first value holds, unless `before` is given (e.g. 0 km of
    fence before construction starts).
    """
    days = np.arange(calendar.days, dtype=float)
    if not points:
        raise ValueError("a profile needs at least one dated point")
    x = np.array([calendar.day_of(p.date) for p in points], dtype=float)
    y = np.array([float(p.value) for p in points], dtype=float)
    if interpolate:
        out = np.interp(days, x, y)
    else:
        idx = np.searchsorted(x, days, side="right") - 1
        out = y[np.clip(idx, 0, len(y) - 1)]
    if before is not None:
        out = np.where(days < x[0], before, out)
    return out
