"""Dated inputs of each country: troop levels (a level times a dated ramp) and the pushback share in force.

Kept apart from the guards so that a scenario is a set of dated inputs a modeller can write from the data
without touching code (Lithuania turned people back from 2021-08-03, Poland from late August 2021; sourced).
"""

from __future__ import annotations

import numpy as np

from sim.config.enums import EU_COUNTRIES, Country
from sim.config.root import Config
from sim.config.timeline import Calendar, profile


class Policy:
    def __init__(self, cfg: Config, calendar: Calendar) -> None:
        self.troops: dict[Country, np.ndarray] = {}
        self.pushback_share: dict[Country, np.ndarray] = {}
        days = np.arange(calendar.days)
        for c in EU_COUNTRIES:
            level = float(getattr(cfg.troops, c.label))
            ramp = getattr(cfg.troops.ramp, c.label)
            share = profile(ramp, calendar, interpolate=True) if ramp else np.ones(calendar.days)
            self.troops[c] = level * share
            pol = getattr(cfg.policy, c.label)
            start = calendar.day_of(pol.pushback_from) if pol.pushback_from else 0
            self.pushback_share[c] = np.where(days >= start, pol.pushback_share, 0.0)
        # day x country, read every hour by apprehensions
        self._share_table = np.zeros((calendar.days, len(Country)))
        for c in EU_COUNTRIES:
            self._share_table[:, int(c)] = self.pushback_share[c]

    def share_table(self, day: int) -> np.ndarray:
        """Pushback share in force today, indexed by Country (0 for Belarus)."""
        return self._share_table[day]
