"""Deaths from exposure: a hazard per day for everyone out in the border zone, higher in cold months and on
wet terrain (assumption: the monitors' death counts are minimum counts and give no rate to calibrate on yet).
"""

from __future__ import annotations

import numpy as np

from sim.config.exposure import ExposureConfig
from sim.config.timeline import HOURS_PER_DAY, Calendar
from sim.core.border import Border
from sim.core.jit import compiled
from sim.core.population import Population
from sim.core.scratch import room


class Exposure:
    def __init__(self, cfg: ExposureConfig, calendar: Calendar, border: Border) -> None:
        cold = np.isin(calendar.months(), cfg.cold_months)
        self.hazard_per_day = cfg.hazard_per_day * np.where(cold, cfg.cold_factor, 1.0)
        self.border = border
        self._day = -1  # the day `_p_die` is for
        self._p_die = np.zeros(border.n)
        self._work = np.empty((2, 0), dtype=np.int64)  # `deaths`' work array: the people in the zone, those who die

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
        """Who of the people in the zone dies this hour: one draw each (ascending uid) below their segment's chance.

        Returns a view of this component's work array (`sim.core.scratch`), good until its next call."""
        work = self._work = room(self._work, people.active.size)
        n = people.in_zone_into(work[0])
        if not n or self.hazard_per_day[day] <= 0:
            return work[0, :0]
        k = below(work[0, :n], rng.random(n), self.p_die(day), people.segment, work[1])
        return work[1, :k]


@compiled
def below(uids: np.ndarray, draws: np.ndarray, p: np.ndarray, segment: np.ndarray, out: np.ndarray) -> int:
    """The people of `uids` whose draw (one each, in order) is below the chance `p` of their segment, written into
    `out` in the order of `uids` (as `uids[draws < p[segment[uids]]]`); returns how many."""
    n = 0
    for i in range(uids.size):
        uid = uids[i]
        if draws[i] < p[segment[uid]]:
            out[n] = uid
            n += 1
    return n
