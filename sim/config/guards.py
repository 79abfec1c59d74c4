"""Schema of the `troops` and `guards` groups (configs/troops/, configs/guards/): how many people guard each line
and how their patrols work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.enums import Deployment
from sim.config.fields import (
    MAX_COUNT,
    MAX_KM,
    DatedShare,
    between,
    hours,
    prob,
)


@dataclass
class TroopRamp:
    """Share of the troop level in force by date (linear between points); empty = the full level all along."""

    poland: list[DatedShare] = field(default_factory=list)
    lithuania: list[DatedShare] = field(default_factory=list)


@dataclass
class TroopsConfig:
    poland: int = between(15000, 0, MAX_COUNT)
    lithuania: int = between(5000, 0, MAX_COUNT)
    ramp: TroopRamp = field(default_factory=TroopRamp)


@dataclass
class GuardsConfig:
    personnel_per_agent: int = between(3, 1, 1000)
    on_duty_share: float = prob(0.3)
    deployment: Deployment = Deployment.by_risk
    sight_km: float = between(1.0, 0, 100.0)
    p_see: float = prob(0.2)
    patrol_kmh: float = between(4.0, 0, 200.0, open_lo=True)
    beat_km: float = between(3.0, 0, MAX_KM)
    respond_kmh: float = between(15.0, 0.1, 1000.0)
    responders_per_alarm: int = between(4, 1, 100_000)
    capacity_per_hour: int = between(5, 1, MAX_COUNT)
    p_apprehend: float = prob(0.6)
    handling_hours: int = hours(3)
    pursuit_hours: int = hours(3, lo=1)
    reinforce_days: float = between(7.0, 0.01, 3650.0)
    # lost contact: chance per hour a tracked person inside is lost, before terrain (`terrain.*.lose_factor`) and
    # responders (`lose_hold` per arrived responder on the segment); the product is capped at 1
    lose_per_hour: float = prob(0.3)
    lose_hold: float = prob(0.9)
    # people deeper inland than reach_share x border.eu_depth_km are out of reach: no responders, no apprehension
    reach_share: float = prob(0.8)
