"""Preallocated result arrays: daily counters per country, and counters per fence segment.

Phases add to these with `bincount` over the uids they touched; nothing loops over agents to report. Flows are
events of the day; stocks are read when the day closes at midnight.
"""

from __future__ import annotations

import numpy as np

from sim.enums import Country

N_COUNTRIES = len(Country)

#: Daily flows (events per day and country). Order = column order in `daily.csv`.
FLOWS: tuple[str, ...] = (
    "camp_arrivals",  # people arriving in Belarusian camps (country = belarus)
    "arrivals",  # people reaching a country's line with an escorted group
    "attempts",  # tries at a fence (one person, one try)
    "breaches",  # tries that got through the fence
    "detections",  # tries seen at the line plus people spotted inside the EU zone
    "detected_attempts",  # tries seen at the line (sensors, barrier, patrols)
    "turned_back_at_line",  # tries seen that failed: people stopped at the line
    "apprehensions",
    "apprehended_unseen",  # apprehended people whose breach nobody had seen
    "pushbacks",
    "blocked_returns",  # pushed-back people forced straight back to the fence by escorts
    "asylum_claims",
    "crossings",  # people reaching the interior line
    "gave_up",
    "repatriated",  # people flown home, or leaving the camps on their own (counted in gave_up as well)
    "deaths",
    "incidents",
    "incident_severity",  # sum of severities (1 confrontation, 2 violence, 3 armed threat)
    "fence_cuts",
    "incursions",
    "cost_eur",
)

#: Stocks read at midnight.
STOCKS: tuple[str, ...] = ("in_camps", "in_zone", "guards_on_duty", "troops", "fence_km", "pushback_share")

#: Per-segment counters.
SEGMENT_COUNTERS: tuple[str, ...] = (
    "attempts",
    "breaches",
    "detections",
    "apprehensions",
    "fence_cuts",
    "incidents",
    "crossings",
)


class Ledger:
    """The run's counters. Daily flows are batched: `count` files the countries of an event and the day's files
    are added up in one `bincount` when anyone reads `flows` (at the latest when the day closes).

    Why batched: a full season makes ~40,000 `count` calls, most of a handful of people; one `bincount` and
    array update each was a few percent of a run. Counts are whole numbers, so the totals are exactly those of
    adding them one call at a time.
    """

    def __init__(self, days: int, n_segments: int) -> None:
        self.days = days
        self._flows = {name: np.zeros((days, N_COUNTRIES), dtype=np.float64) for name in FLOWS}
        self._filed: dict[tuple[str, int], list[np.ndarray]] = {}
        self.stocks = {name: np.zeros((days, N_COUNTRIES), dtype=np.float64) for name in STOCKS}
        self.segments = {name: np.zeros(n_segments, dtype=np.int64) for name in SEGMENT_COUNTERS}

    @property
    def flows(self) -> dict[str, np.ndarray]:
        """Daily flows per (day, country), every event counted so far."""
        for (name, day), filed in self._filed.items():
            self._flows[name][day] += np.bincount(np.concatenate(filed), minlength=N_COUNTRIES)
        self._filed.clear()
        return self._flows

    def count(self, name: str, day: int, countries: np.ndarray) -> None:
        """Add one event per entry of `countries` (a country code per person) to a daily flow."""
        if len(countries):
            filed = self._filed.get((name, day))
            if filed is None:
                self._filed[(name, day)] = [countries]
            else:
                filed.append(countries)

    def add(self, name: str, day: int, country: int, amount: float = 1.0) -> None:
        self._flows[name][day, country] += amount

    def count_segments(self, name: str, segments: np.ndarray) -> None:
        if len(segments):
            self.segments[name] += np.bincount(segments, minlength=len(self.segments[name]))

    def record(self, name: str, day: int, values: np.ndarray) -> None:
        self.stocks[name][day] = values
