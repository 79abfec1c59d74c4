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
    """The queue of people waiting in Belarus, oldest first.

    The queue is the live part of a buffer that arrivals are appended to (the buffer doubles when full), so an hour's
    arrivals cost a copy of themselves, not of everyone waiting (a season admits ~4,500 batches into a queue of up
    to ~17,000). Slots before the tail are never written again, so the people `take` returns stay as they were."""

    def __init__(self, cfg: CampsConfig, calendar: Calendar, rng: np.random.Generator) -> None:
        self._buffer = np.empty(1024, dtype=np.int64)
        self._head = self._tail = 0  # the queue is _buffer[_head:_tail]
        self.rng = rng
        self.p_leave_per_day = cfg.p_leave_per_day
        self.repatriation_share = np.zeros(calendar.days)
        for point in cfg.repatriations:
            day = calendar.day_of(point.date)
            if 0 <= day < calendar.days:
                self.repatriation_share[day] = 1 - (1 - self.repatriation_share[day]) * (1 - point.value)

    @property
    def queue(self) -> np.ndarray:
        """The uids waiting, oldest first (a read-only view)."""
        view = self._buffer[self._head : self._tail]
        view.flags.writeable = False
        return view

    def __len__(self) -> int:
        return self._tail - self._head

    def admit(self, uids: np.ndarray) -> None:
        if not uids.size:
            return
        if self._tail + uids.size > self._buffer.size:  # a new buffer: the old one (and views of it) stay as they are
            waiting = self._buffer[self._head : self._tail]
            buffer = np.empty(max(1024, 2 * (waiting.size + uids.size)), dtype=np.int64)
            buffer[: waiting.size] = waiting
            self._buffer, self._head, self._tail = buffer, 0, waiting.size
        self._buffer[self._tail : self._tail + uids.size] = uids
        self._tail += uids.size

    def _keep(self, waiting: np.ndarray) -> None:
        """The queue becomes `waiting` (a fresh array, kept as the new buffer)."""
        self._buffer, self._head, self._tail = waiting, 0, waiting.size

    def take(self, k: int) -> np.ndarray:
        """The `k` people who have waited longest."""
        taken = self.queue[:k]
        self._head += taken.size
        return taken

    def send_home(self, day: int, at_line: np.ndarray) -> np.ndarray:
        """People going home today: a dated repatriation share of everyone waiting in Belarus (in the camps and
        at the line on the Belarusian side, as when the Kuznica camp was cleared), and camp residents leaving
        on their own."""
        repatriate = self.repatriation_share[day]
        share = 1 - (1 - repatriate) * (1 - self.p_leave_per_day)
        if share <= 0:
            return np.empty(0, dtype=np.int64)
        queue = self.queue
        leave = self.rng.random(len(queue)) < share
        gone = queue[leave]
        self._keep(queue[~leave])
        if repatriate > 0 and at_line.size:
            gone = np.concatenate([gone, at_line[self.rng.random(at_line.size) < repatriate]])
        return gone
