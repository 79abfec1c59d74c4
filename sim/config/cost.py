"""Schema of the `cost` group (configs/cost/): prices of troops, fences, asylum claims and pushbacks."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.fields import MAX_EUR, between


@dataclass
class CostConfig:
    troop_eur_per_day: float = between(150.0, 0, 1e6)
    fence_lifetime_years: float = between(20.0, 0.1, 1000.0)
    asylum_claim_eur: float = between(5000.0, 0, MAX_EUR)  # per claim: the claimant's upkeep while it is decided
    pushback_eur: float = between(100.0, 0, MAX_EUR)  # per pushback, beyond the troops' time (in troop_eur_per_day)
