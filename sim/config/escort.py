"""Schema of the `escort` group (configs/escort/): the Belarusian units that lead groups to the line."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.enums import EscortStrategy
from sim.config.fields import (
    MAX_COUNT,
    MAX_KM,
    between,
    hours,
    prob,
)


@dataclass
class GroupSize:
    """Lognormal group size, clipped to [min, max]."""

    median: float = between(40.0, 1, 100_000)
    sigma: float = between(0.7, 0, 5)  # e^(5 sigma) stays finite
    min: int = between(5, 1, 100_000)
    max: int = between(250, 1, 100_000)


@dataclass
class EscortConfig:
    n_units: int = between(6, 0, 100_000)
    strategy: EscortStrategy = EscortStrategy.adaptive
    group_size: GroupSize = field(default_factory=GroupSize)
    min_group: int = between(10, 1, MAX_COUNT)  # people waiting in camp before a unit leaves with a group
    p_cut: float = prob(0.3)  # chance a unit cuts the fence on arrival
    cut_damage: float = prob(0.5)  # damage added by a cut (0..1)
    p_incident: float = prob(0.1)  # chance a unit stages an incident on arrival
    # one weight per severity level; each item in [0, 1e6], the sum positive
    severity_weights: list[float] = field(default_factory=lambda: [0.6, 0.3, 0.1], metadata={"min": 0, "max": 1e6})
    incident_hours: int = hours(4, lo=1)  # how long an incident ties patrols down
    responders_per_severity: int = between(6, 0, 100_000)  # patrols drawn per severity level
    diversion_km: float = between(15.0, 0, MAX_KM)  # incidents are staged this far from the crossing point
    p_incursion: float = prob(0.05)  # chance escorts cross the line themselves after a cut
    stay_hours: int = hours(24)  # hours a unit stays at the line blocking returns
    share_knowledge: bool = True  # adaptive units pool what they learn
    weakest_noise: float = between(0.3, 0, 100)  # noise in a weakest-segment pick (0 = always the same segment)
