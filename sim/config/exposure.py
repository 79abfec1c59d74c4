"""Schema of the `exposure` group (configs/exposure/): the hazard of the border zone, higher in the cold months."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.fields import (
    between,
    prob,
)


@dataclass
class ExposureConfig:
    hazard_per_day: float = prob(0.0002)
    cold_months: list[int] = field(default_factory=lambda: [11, 12, 1, 2, 3], metadata={"min": 1, "max": 12})
    cold_factor: float = between(3.0, 0, 1000.0)
