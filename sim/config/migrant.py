"""Schema of the `migrant` group (configs/migrant/): how people walk, retry, switch and give up."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.fields import (
    MAX_COUNT,
    MAX_HOURS,
    between,
    hours,
)


@dataclass
class MigrantConfig:
    walk_kmh: float = between(2.0, 0.05, 100.0)  # speed of an escorted group in Belarus
    walk_kmh_eu: float = between(0.5, 0.05, 100.0)  # covert progress inside the EU zone
    retry_hours: int = hours(3, lo=1)  # hours between tries at a fence
    patience_hours: int = hours(24, lo=1)  # hours at one segment before moving to another
    switch_max_segments: int = between(3, 1, 10_000)  # how far (in segments) people move when they switch
    rest_hours: int = hours(24)  # rest after a pushback before trying again
    max_attempts: int = between(60, 1, MAX_COUNT)  # tries before giving up
    max_pushbacks: int = between(6, 1, MAX_COUNT)  # pushbacks before giving up
    max_zone_days: float = between(30.0, 0, MAX_HOURS / 24, open_lo=True)  # days in the zone before giving up
    memory: int = between(4, 1, 100)  # failed segments remembered (avoided when switching)
