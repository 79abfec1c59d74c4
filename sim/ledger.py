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
    def __init__(self, days: int, n_segments: int) -> None:
        self.days = days
        self.flows = {name: np.zeros((days, N_COUNTRIES), dtype=np.float64) for name in FLOWS}
        self.stocks = {name: np.zeros((days, N_COUNTRIES), dtype=np.float64) for name in STOCKS}
        self.segments = {name: np.zeros(n_segments, dtype=np.int64) for name in SEGMENT_COUNTERS}

    def count(self, name: str, day: int, countries: np.ndarray, weights: np.ndarray | None = None) -> None:
        """Add one event per entry of `countries` (or `weights` per entry) to a daily flow."""
        if len(countries):
            self.flows[name][day] += np.bincount(countries, weights=weights, minlength=N_COUNTRIES)

    def add(self, name: str, day: int, country: int, amount: float = 1.0) -> None:
        self.flows[name][day, country] += amount

    def count_segments(self, name: str, segments: np.ndarray) -> None:
        if len(segments):
            self.segments[name] += np.bincount(segments, minlength=len(self.segments[name]))

    def record(self, name: str, day: int, values: np.ndarray) -> None:
        self.stocks[name][day] = values
