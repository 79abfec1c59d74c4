"""Schema of the `fence`, `barriers` and `sensors` groups (configs/fence/, configs/barriers/, configs/sensors/):
where barriers stand and what each barrier type and the sensors do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.enums import Barrier, CountryName, Terrain
from sim.config.fields import (
    MAX_EUR,
    MAX_HOURS,
    MAX_KM,
    DatedAmount,
    between,
    prob,
)


@dataclass
class BarrierParams:
    """Rates of one barrier type (all assumptions unless noted in configs/config.yaml)."""

    p_breach: float = prob(0.9)  # chance per try that a person gets through
    p_detect: float = prob(0.05)  # chance a try is noticed without sensors (noise, time spent at the barrier)
    delay_hours: float = between(0.0, 0, MAX_HOURS)  # hours a breach holds people at the line (climbing, cutting)
    repair_hours: float = between(12.0, 0, MAX_HOURS)  # hours from a cut to its repair
    capex_eur_per_km: float = between(0.0, 0, MAX_EUR)  # capital cost per km


@dataclass
class BarriersConfig:
    none: BarrierParams = field(default_factory=BarrierParams)
    razor_wire: BarrierParams = field(default_factory=BarrierParams)
    steel_wall: BarrierParams = field(default_factory=BarrierParams)


@dataclass
class SensorsConfig:
    p_detect: float = prob(0.8)  # cameras + motion sensors seeing a try (assumption)
    capex_eur_per_km: float = between(0.0, 0, MAX_EUR)


@dataclass
class FenceRule:
    """Puts a barrier on the segments of one country (all if null) with the given terrains (all if empty).

    Rules apply in order, a later rule overriding an earlier one. `length_km` caps how much of the matching line
    is covered (in x order; null = all). `build` gives km built by date (linear between points, nothing before
    the first point); empty means built from the start.
    """

    country: CountryName | None = None
    terrains: list[Terrain] = field(default_factory=list)
    barrier: Barrier = Barrier.none
    sensors: bool = False
    length_km: float | None = between(None, 0, MAX_KM)
    build: list[DatedAmount] = field(default_factory=list)
    capex_eur_per_km: float | None = between(None, 0, MAX_EUR)  # null: the barrier's own


@dataclass
class FenceConfig:
    """Where barriers stand: the group's option (`fence=steel_wall`: `name` and its `rules`), and the option each
    country's line got. `poland`/`lithuania` name an option of the fence group whose rules replace that country's
    (`fence.poland=steel_wall`); null: the group's. A resolved config holds both filled in, unless a line's rules
    were edited beyond any option (`sim.config.fence_choice`)."""

    name: str = "none"
    poland: str | None = None  # an option of the fence group for the Polish line; null: `name`'s
    lithuania: str | None = None  # an option of the fence group for the Lithuanian line; null: `name`'s
    rules: list[FenceRule] = field(default_factory=list)
