"""Deaths from exposure: a hazard per day for everyone out in the border zone, higher in cold months and on
wet terrain (assumption: the monitors' death counts are minimum counts and give no rate to calibrate on yet).
"""

from __future__ import annotations

import numpy as np

from sim.config.exposure import ExposureConfig
from sim.config.timeline import HOURS_PER_DAY, Calendar
from sim.core.border import Border
from sim.core.population import Population


class Exposure:
    def __init__(self, cfg: ExposureConfig, calendar: Calendar, border: Border) -> None:
        cold = np.isin(calendar.months(), cfg.cold_months)
        self.hazard_per_day = cfg.hazard_per_day * np.where(cold, cfg.cold_factor, 1.0)
        self.border = border
        self._day = -1  # the day `_p_die` is for
        self._p_die = np.zeros(border.n)

    def p_die(self, day: int) -> np.ndarray:
        """The chance to die in an hour of `day` at each segment, shape (n_segments,):
        1 - exp(-hazard_per_day[day] × exposure_factor / 24), worked out once a day.

        Elementwise numpy arithmetic, so a segment's chance is the same to the bit as it would be worked out for
        the people there each hour."""
        if day != self._day:
            hourly = self.hazard_per_day[day] * self.border.exposure_factor / HOURS_PER_DAY
            self._p_die = -np.expm1(-hourly)
            self._day = day
        return self._p_die

    def deaths(self, people: Population, day: int, rng: np.random.Generator) -> np.ndarray:
        """Who of the people in the zone dies this hour."""
        out = people.in_zone()
        if not out.size or self.hazard_per_day[day] <= 0:
            return out[:0]
        return out[rng.random(out.size) < self.p_die(day)[people.segment[out]]]
