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

    def deaths(self, people: Population, day: int, rng: np.random.Generator) -> np.ndarray:
        """Who of the people in the zone dies this hour."""
        out = people.in_zone()
        if not out.size or self.hazard_per_day[day] <= 0:
            return out[:0]
        hourly = self.hazard_per_day[day] * self.border.exposure_factor[people.segment[out]] / HOURS_PER_DAY
        return out[rng.random(out.size) < -np.expm1(-hourly)]
