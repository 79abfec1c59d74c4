"""Arrivals into Belarusian camps, and the camps themselves as a first-come-first-served queue.

All arrivals of the season are drawn up front, hour by hour, from their own random stream: two scenarios run with
one seed receive exactly the same people at the same hours, whatever their fences, troops or policies do.
People waiting in camps are not stepped; escorts take them from the head of the queue.
"""

from __future__ import annotations

import numpy as np

from sim.config.arrivals import ArrivalsConfig, CampsConfig
from sim.config.timeline import HOURS_PER_DAY, Calendar, profile


class Arrivals:
    """Poisson arrivals per hour from a daily rate profile (flights to Minsk, buses to the border zone)."""

    def __init__(self, cfg: ArrivalsConfig, calendar: Calendar, rng: np.random.Generator) -> None:
        self.per_day = profile(cfg.per_day, calendar, interpolate=cfg.interpolate) * cfg.scale
        hourly_rate = np.repeat(self.per_day / HOURS_PER_DAY, HOURS_PER_DAY)
        self.per_hour = rng.poisson(hourly_rate)

    def at(self, hour: int) -> int:
        return int(self.per_hour[hour])


class Camps:
    """The queue of people waiting in Belarus, oldest first."""

    def __init__(self, cfg: CampsConfig, calendar: Calendar, rng: np.random.Generator) -> None:
        self.queue = np.empty(0, dtype=np.int64)
        self.rng = rng
        self.p_leave_per_day = cfg.p_leave_per_day
        self.repatriation_share = np.zeros(calendar.days)
        for point in cfg.repatriations:
            day = calendar.day_of(point.date)
            if 0 <= day < calendar.days:
                self.repatriation_share[day] = 1 - (1 - self.repatriation_share[day]) * (1 - point.value)

    def __len__(self) -> int:
        return len(self.queue)

    def admit(self, uids: np.ndarray) -> None:
        if uids.size:
            self.queue = np.concatenate([self.queue, uids])

    def take(self, k: int) -> np.ndarray:
        """The `k` people who have waited longest."""
        taken, self.queue = self.queue[:k], self.queue[k:]
        return taken

    def send_home(self, day: int, at_line: np.ndarray) -> np.ndarray:
        """People going home today: a dated repatriation share of everyone waiting in Belarus (in the camps and
        at the line on the Belarusian side, as when the Kuznica camp was cleared), and camp residents leaving
        on their own."""
        repatriate = self.repatriation_share[day]
        share = 1 - (1 - repatriate) * (1 - self.p_leave_per_day)
        if share <= 0:
            return np.empty(0, dtype=np.int64)
        leave = self.rng.random(len(self.queue)) < share
        gone, self.queue = self.queue[leave], self.queue[~leave]
        if repatriate > 0 and at_line.size:
            gone = np.concatenate([gone, at_line[self.rng.random(at_line.size) < repatriate]])
        return gone
