"""The assumption parameters inference may vary, each with a prior range and the reason for it.

A `Parameter` names one scalar config key (dotted, as on the command line), the range of values a sensitivity
analysis samples and a calibration's prior covers, and whether that range is read on a log scale (rates and
durations known only to within a factor). `ASSUMPTIONS` lists every scalar behavioural parameter the model has
(docs/ODD.md 8.1, status `assumption`); sourced inputs (lengths, dates, troop levels, costs), resolution settings
(`border.cell_km`) and scenario levers (fence, troops, policy, arrival and escort scales) are not in it, because
they are never fitted.

The ranges are themselves assumptions: a plausible span around today's default, wide enough that a fit can move
away from it (usually a factor of 2-3 each way for rates and durations, most of the open interval for chances).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.root import Config
from sim.config.validation import validate


@dataclass(frozen=True)
class Parameter:
    """One scalar assumption parameter and its prior range.

    `key`: dotted config key (`guards.p_see`); `low`, `high`: the range, in the key's units; `log`: sample on a log
    scale (then `low` > 0); `why`: one line on the range. Integer config fields get values rounded to the nearest
    integer when applied (`apply`).
    """

    key: str
    low: float
    high: float
    log: bool = False
    why: str = ""

    def __post_init__(self) -> None:
        if not self.low < self.high or (self.log and self.low <= 0):
            raise ValueError(f"{self.key}: range [{self.low}, {self.high}] is empty or not positive on a log scale")

    def from_unit(self, u: np.ndarray | float) -> np.ndarray:
        """Map values in [0, 1] to the range (linearly, or log-linearly when `log`)."""
        u = np.asarray(u, dtype=float)
        if self.log:
            return np.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        return self.low + u * (self.high - self.low)

    def to_unit(self, x: np.ndarray | float) -> np.ndarray:
        """The inverse of `from_unit`."""
        x = np.asarray(x, dtype=float)
        if self.log:
            return (np.log(x) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        return (x - self.low) / (self.high - self.low)


_CHANCE = "a chance per try or hour: most of the plausible span"
_FACTOR = "a relative factor known to within a factor of 2 either way"
_HOURS = "a duration known to within a factor of 2-3 either way"
_COUNT = "a count known to within a factor of 2-3 either way"


def _terrain() -> list[Parameter]:
    defaults = {
        "forest": (1.0, 0.8, 0.5, 1.0, 1.2, 1.5),
        "field": (1.0, 1.2, 1.5, 0.8, 1.0, 0.5),
        "river": (0.4, 0.8, 1.0, 2.0, 0.5, 1.0),
        "swamp": (0.8, 0.5, 0.8, 2.0, 0.7, 2.0),
    }
    names = ("p_breach_factor", "walk_factor", "sight_factor", "exposure_factor", "risk", "lose_factor")
    return [
        Parameter(f"terrain.{terrain}.{name}", value / 2, *_factor_top(name, value))
        for terrain, values in defaults.items()
        for name, value in zip(names, values, strict=True)
    ]


#: `barriers.none.p_breach` (an assumption, not varied): the largest breach chance of any barrier in its range.
OPEN_LINE_BREACH = 0.9


def _factor_top(name: str, value: float) -> tuple[float, bool, str]:
    """The upper end, log flag and reason of a terrain factor's range: twice the default, except that a breach
    factor stops where the open line's breach chance times it reaches 1 (sim/config/validation.py rejects more)."""
    if name == "p_breach_factor" and value * 2 * OPEN_LINE_BREACH > 1:
        return 1 / OPEN_LINE_BREACH, True, f"{_FACTOR}, below 1 / barriers.none.p_breach ({OPEN_LINE_BREACH})"
    return value * 2, True, _FACTOR


#: Every scalar behavioural assumption of the model, with its prior range (docs/ODD.md 8.1 gives the defaults).
ASSUMPTIONS: tuple[Parameter, ...] = (
    Parameter("barriers.razor_wire.p_breach", 0.2, 0.9, why=_CHANCE),
    Parameter("barriers.razor_wire.p_detect", 0.05, 0.4, why=_CHANCE),
    Parameter("barriers.razor_wire.delay_hours", 0.0, 2.0, why="a hold of up to two hours at concertina wire"),
    Parameter("barriers.razor_wire.repair_hours", 4.0, 48.0, log=True, why=_HOURS),
    Parameter("barriers.steel_wall.p_breach", 0.05, 0.6, why="2023: at most ~60% of barrier crossings stopped"),
    Parameter("barriers.steel_wall.p_detect", 0.1, 0.6, why=_CHANCE),
    Parameter("barriers.steel_wall.delay_hours", 0.0, 3.0, why="a climb or cut of up to three hours"),
    Parameter("barriers.steel_wall.repair_hours", 12.0, 240.0, log=True, why=_HOURS),
    Parameter("sensors.p_detect", 0.4, 0.95, why="cameras and motion sensors: likely, never certain"),
    *_terrain(),
    Parameter("camps.p_leave_per_day", 0.0, 0.02, why="up to 2% a day leave the camps on their own"),
    Parameter("migrant.walk_kmh", 1.0, 4.0, log=True, why="escorted groups at night, with children and luggage"),
    Parameter("migrant.walk_kmh_eu", 0.2, 1.5, log=True, why="covert progress through forest, hiding by day"),
    Parameter("migrant.retry_hours", 1.0, 12.0, log=True, why=_HOURS),
    Parameter("migrant.patience_hours", 8.0, 72.0, log=True, why=_HOURS),
    Parameter("migrant.switch_max_segments", 1.0, 8.0, why="how far along the line a group moves when it switches"),
    Parameter("migrant.rest_hours", 8.0, 72.0, log=True, why=_HOURS),
    Parameter("migrant.max_attempts", 20.0, 150.0, log=True, why=_COUNT),
    Parameter("migrant.max_pushbacks", 2.0, 15.0, log=True, why="testimonies report from one to over ten pushbacks"),
    Parameter("migrant.max_zone_days", 7.0, 60.0, log=True, why="a week to two months in the forest"),
    Parameter("migrant.memory", 1.0, 10.0, why=_COUNT),
    Parameter("escort.group_size.median", 15.0, 100.0, log=True, why="groups of tens reported, up to a few hundred"),
    Parameter("escort.group_size.sigma", 0.3, 1.2, why="spread of group sizes"),
    Parameter("escort.min_group", 5.0, 40.0, log=True, why=_COUNT),
    Parameter("escort.p_cut", 0.05, 0.8, why=_CHANCE),
    Parameter("escort.cut_damage", 0.1, 1.0, why="a cut opens part of a segment, up to all of it"),
    Parameter("escort.p_incident", 0.01, 0.4, log=True, why=_CHANCE),
    Parameter("escort.incident_hours", 1.0, 12.0, log=True, why=_HOURS),
    Parameter("escort.responders_per_severity", 2.0, 15.0, log=True, why=_COUNT),
    Parameter("escort.diversion_km", 5.0, 30.0, why="an incident a few to tens of km from the crossing"),
    Parameter("escort.p_incursion", 0.0, 0.2, why="incursions were reported, rarely"),
    Parameter("escort.stay_hours", 6.0, 72.0, log=True, why=_HOURS),
    Parameter("escort.split_weight", 0.0, 0.5, why="how much Belarus follows what worked (0: the dated split only)"),
    Parameter("guards.on_duty_share", 0.15, 0.5, why="three shifts, less leave and rest"),
    Parameter("guards.sight_km", 0.3, 2.0, log=True, why="forest at night to open field by day"),
    Parameter("guards.p_see", 0.05, 0.5, log=True, why=_CHANCE),
    Parameter("guards.patrol_kmh", 2.0, 6.0, why="walking to driving slowly along the line"),
    Parameter("guards.beat_km", 1.0, 6.0, why="the stretch one patrol covers each way"),
    Parameter("guards.respond_kmh", 5.0, 30.0, log=True, why="on foot to by car on border roads"),
    Parameter("guards.responders_per_alarm", 1.0, 10.0, log=True, why=_COUNT),
    Parameter("guards.capacity_per_hour", 1.0, 15.0, log=True, why=_COUNT),
    Parameter("guards.p_apprehend", 0.2, 0.9, why=_CHANCE),
    Parameter("guards.handling_hours", 1.0, 8.0, log=True, why=_HOURS),
    Parameter("guards.pursuit_hours", 1.0, 8.0, log=True, why=_HOURS),
    Parameter("guards.reinforce_days", 2.0, 30.0, log=True, why="days to weeks of memory of breaches"),
    Parameter("guards.lose_per_hour", 0.05, 0.6, why=_CHANCE),
    Parameter("guards.lose_hold", 0.6, 1.0, why="each responder keeps part of the chance to lose a person"),
    Parameter("guards.reach_share", 0.4, 1.0, why="guards hunt from the line to the whole zone's depth"),
    Parameter("exposure.hazard_per_day", 5e-5, 1e-3, log=True, why="deaths are minimum counts; a factor of 4 each way"),
    Parameter("exposure.cold_factor", 1.0, 6.0, why="cold months one to six times as deadly"),
)

BY_KEY: dict[str, Parameter] = {p.key: p for p in ASSUMPTIONS}


def parameters(keys: Iterable[str] | None = None) -> tuple[Parameter, ...]:
    """The registered parameters named by `keys` (all of `ASSUMPTIONS` when None), in that order.

    Raises `KeyError` naming the first unknown key and where the known ones are listed.
    """
    if keys is None:
        return ASSUMPTIONS
    chosen = []
    for key in keys:
        if key not in BY_KEY:
            raise KeyError(f"{key} is not a registered assumption parameter (sim/inference/parameters.py)")
        chosen.append(BY_KEY[key])
    return tuple(chosen)


def _field_type(obj: Any, name: str) -> Any:
    return next(f.type for f in dataclasses.fields(obj) if f.name == name)


def _set(obj: Any, parts: Sequence[str], value: float) -> Any:
    """A copy of the dataclass `obj` with the field at `parts` set to `value` (rounded for int fields)."""
    name = parts[0]
    if not dataclasses.is_dataclass(obj) or name not in {f.name for f in dataclasses.fields(obj)}:
        raise KeyError(name)
    if len(parts) > 1:
        return dataclasses.replace(obj, **{name: _set(getattr(obj, name), parts[1:], value)})
    current = getattr(obj, name)
    if isinstance(current, bool) or not isinstance(current, int | float):
        raise TypeError(f"{name} is not a number")
    typed = round(value) if isinstance(current, int) or _field_type(obj, name) in ("int", int) else float(value)
    return dataclasses.replace(obj, **{name: typed})


def apply(config: Config, values: Mapping[str, float]) -> Config:
    """`config` with each dotted key of `values` set (int fields rounded), validated like any config.

    Raises `KeyError` for a key the config does not have, `TypeError` for a key that is not a number, and
    `sim.config.ConfigError` for a value outside the key's allowed range. The given `config` is not changed.
    """
    for key, value in values.items():
        try:
            config = _set(config, key.split("."), float(value))
        except KeyError:
            raise KeyError(f"{key}: no such config key") from None
        except TypeError:
            raise TypeError(f"{key}: not a numeric config key") from None
    return validate(config)


def value_of(config: Config, key: str) -> float:
    """The current value of dotted `key` in `config`."""
    obj: Any = config
    for part in key.split("."):
        obj = getattr(obj, part)
    return float(obj)
