"""Schema of the `arrivals` and `camps` groups (configs/arrivals/, configs/camps/): people flown to Belarus and
what happens to those waiting there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.fields import (
    DatedAmount,
    DatedShare,
    between,
    prob,
)


@dataclass
class ArrivalsConfig:
    """Daily mean arrivals into Belarusian camps: one point = constant; several = piecewise by date."""

    name: str = "constant"
    per_day: list[DatedAmount] = field(default_factory=list)
    interpolate: bool = True  # linear between points (else: each value holds until the next date)
    scale: float = between(1.0, 0, 1e6)  # multiplies the whole profile (surge = 5)


@dataclass
class CampsConfig:
    """People waiting in Belarus: flown home on dated repatriations, or leaving on their own."""

    repatriations: list[DatedShare] = field(default_factory=list)
    p_leave_per_day: float = prob(0.0)
