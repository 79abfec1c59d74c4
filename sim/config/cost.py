"""Schema of the `cost` group (configs/cost/): prices of troops and fences."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.fields import (
    between,
)


@dataclass
class CostConfig:
    troop_eur_per_day: float = between(150.0, 0, 1e6)
    fence_lifetime_years: float = between(20.0, 0.1, 1000.0)
