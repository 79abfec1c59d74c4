"""Schema of the `escort` group (configs/escort/): the Belarusian units that lead groups to the line."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.enums import EscortStrategy
from sim.config.fields import (
    MAX_COUNT,
    MAX_KM,
    DatedAmount,
    between,
    date_field,
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
class UnitsByLine:
    """Belarus's effort by date: escort units serving each country's line (a unit picks segments only there).

    Linear between points (`interpolate`), the first value before the first date, the last after the last; each
    day's value is rounded to whole units. Both lists empty: `n_units` units serve either line (the fallback)."""

    poland: list[DatedAmount] = field(default_factory=list)
    lithuania: list[DatedAmount] = field(default_factory=list)
    interpolate: bool = True


@dataclass
class MassingLine:
    """People Belarus brings from the camps to one line and holds there (Kuznica, 8-18 Nov 2021).

    `per_day` people a day are taken from the camps (each value holds until the next date; nothing before the
    first date) on days before `until`. Held people try the fence as anyone at the line does, every
    `retry_hours` (their first tries spread over that interval), but never give up while held. On `until` those
    still on the Belarusian side are released: `release_home_share` of them flown home, the rest back to the
    camps."""

    per_day: list[DatedAmount] = field(default_factory=list)
    until: str | None = date_field(None)  # null: held to the end of the run
    retry_hours: int = hours(3, lo=1)  # hours between a held person's tries (organised attempts, not constant ones)
    release_home_share: float = prob(0.0)


@dataclass
class MassingByLine:
    poland: MassingLine = field(default_factory=MassingLine)
    lithuania: MassingLine = field(default_factory=MassingLine)


@dataclass
class EscortConfig:
    n_units: int = between(6, 0, 100_000)  # fallback when `units` gives no dates: units free to serve either line
    units: UnitsByLine = field(default_factory=UnitsByLine)
    scale: float = between(1.0, 0.0, 1000.0)  # multiplies every day's units (n_units too); surge = 5
    split_weight: float = prob(0.0)  # 0: the dated split only; 1: units follow the learned split between lines
    split_memory_days: float = between(14.0, 0.1, 10_000.0)  # e-folding time of what the split learns
    massing: MassingByLine = field(default_factory=MassingByLine)
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
