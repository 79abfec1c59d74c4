"""Configuration schema: typed dataclasses registered with Hydra, plus the range and cross-field checks.

Hydra/OmegaConf already reject unknown keys, wrong types and unknown enum names (with the allowed values), but
they never check ranges, dates or whether border sections tile the line. `validate` does, on the fully merged
config, so that command-line values are checked too. The defaults that matter are set in `configs/config.yaml`,
whose comments say for each value whether it is *sourced* (from `data/border-facts.csv`) or an *assumption*;
`docs/ODD.md` lists them all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.enums import Barrier, CountryName, Deployment, EscortStrategy, Terrain
from sim.timeline import Calendar, profile

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"


class ConfigError(ValueError):
    """A user mistake in a config: the message names the key and what is allowed."""


# --- field helpers: ranges live in metadata so one walker checks them all ---------------------------------------
#
# Every number has a closed range the code can run with (and that means something): NaN and inf never pass, and
# the upper bounds keep every product the model forms (hours as int64 timers, people x bytes, euros) finite. A
# bound is a modelling or safety limit, not a data figure: widen one only with a test that such a run works.

#: Dates the model accepts: a typo guard (the model is of the 2020s), well inside what `datetime` can add days to.
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
#: Hours a timer may be set ahead (ten years): far beyond any run, far below int64 overflow.
MAX_HOURS = 87_600
MAX_KM = 10_000.0  # no line, section, depth or walk is longer than this
MAX_COUNT = 10_000_000  # people, troops, tries: more than the crisis had, and a memory estimate checks runs anyway
MAX_EUR = 1e12  # per km or per person-day: far above any real price, far below float overflow in a season's sum


def between(default: float | int | None, lo: float, hi: float, *, open_lo: bool = False) -> Any:
    """A number in [lo, hi] (or (lo, hi] when `open_lo`), finite by construction."""
    return field(default=default, metadata={"min": lo, "max": hi, "open_lo": open_lo})


def prob(default: float) -> Any:
    """A probability in [0, 1]."""
    return between(default, 0.0, 1.0)


def hours(default: int, lo: int = 0) -> Any:
    """A duration in whole hours, from `lo` up to ten years."""
    return between(default, lo, MAX_HOURS)


def date_field(default: str | None) -> Any:
    return field(default=default, metadata={"date": True})


# --- dated inputs --------------------------------------------------------------------------------------------------


@dataclass
class DatedAmount:
    """A non-negative amount (people per day, km) at a date; profiles interpolate between points."""

    date: str = date_field("2021-08-01")
    value: float = between(0.0, 0, MAX_COUNT)


@dataclass
class DatedShare:
    """A share in [0, 1] at a date."""

    date: str = date_field("2021-08-01")
    value: float = prob(1.0)


# --- space ------------------------------------------------------------------------------------------------------


@dataclass
class BorderLine:
    """One country's line with Belarus; lines are unrolled side by side along x in the order listed."""

    country: CountryName = CountryName.poland
    length_km: float = between(418.0, 0, MAX_KM, open_lo=True)


@dataclass
class BorderSection:
    """A stretch of one line with one terrain; `start_km` is measured along that country's line."""

    country: CountryName = CountryName.poland
    start_km: float = between(0.0, 0, MAX_KM)
    length_km: float = between(1.0, 0, MAX_KM, open_lo=True)
    terrain: Terrain = Terrain.forest
    name: str = ""


@dataclass
class BorderConfig:
    lines: list[BorderLine] = field(default_factory=list)
    sections: list[BorderSection] = field(default_factory=list)
    cell_km: float = between(1.0, 0.1, 100.0)  # grid cell width (assumption: resolution choice)
    segment_km: float = between(5.0, 0.1, MAX_KM)  # fence segment length (assumption)
    belarus_depth_km: float = between(8.0, 0.1, 1000.0)  # camps to line (assumption)
    eu_depth_km: float = between(5.0, 0.1, 1000.0)  # line to interior line = crossing (assumption)


# --- fence ------------------------------------------------------------------------------------------------------


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
class TerrainParams:
    # multiplies every barrier's p_breach (a river is an obstacle); each product must stay a probability
    p_breach_factor: float = between(1.0, 0.0, 1000.0)
    walk_factor: float = between(1.0, 0.01, 100.0)  # multiplies walking speeds
    sight_factor: float = between(1.0, 0.0, 100.0)  # multiplies patrol sight
    exposure_factor: float = between(1.0, 0.0, 1000.0)  # multiplies the exposure hazard
    risk: float = between(1.0, 0.0, 1000.0)  # weight of the terrain in `by_risk` deployment


@dataclass
class TerrainConfig:
    forest: TerrainParams = field(default_factory=TerrainParams)
    field: TerrainParams = field(default_factory=TerrainParams)
    # `field` is a terrain here, so the two below use the module's function by its full name
    river: TerrainParams = dataclasses.field(default_factory=TerrainParams)
    swamp: TerrainParams = dataclasses.field(default_factory=TerrainParams)


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
    name: str = "none"
    rules: list[FenceRule] = field(default_factory=list)


# --- people -----------------------------------------------------------------------------------------------------


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


@dataclass
class CountryPolicy:
    pushback_share: float = prob(0.0)  # share of apprehended people pushed back (rest claim asylum)
    pushback_from: str | None = date_field(None)  # date the share takes force (null: from the start)


@dataclass
class PolicyConfig:
    poland: CountryPolicy = field(default_factory=CountryPolicy)
    lithuania: CountryPolicy = field(default_factory=CountryPolicy)


@dataclass
class ExposureConfig:
    hazard_per_day: float = prob(0.0002)
    cold_months: list[int] = field(default_factory=lambda: [11, 12, 1, 2, 3], metadata={"min": 1, "max": 12})
    cold_factor: float = between(3.0, 0, 1000.0)


@dataclass
class CostConfig:
    troop_eur_per_day: float = between(150.0, 0, 1e6)
    fence_lifetime_years: float = between(20.0, 0.1, 1000.0)


@dataclass
class Config:
    scenario: str = "autumn2021"
    seed: int = between(0, 0, 2**63 - 1)  # numpy seeds are >= 0; int64 keeps it a column in tables
    start_date: str = date_field("2021-08-01")
    days: int = between(153, 1, 36_500)
    border: BorderConfig = field(default_factory=BorderConfig)
    fence: FenceConfig = field(default_factory=FenceConfig)
    barriers: BarriersConfig = field(default_factory=BarriersConfig)
    sensors: SensorsConfig = field(default_factory=SensorsConfig)
    terrain: TerrainConfig = field(default_factory=TerrainConfig)
    arrivals: ArrivalsConfig = field(default_factory=ArrivalsConfig)
    camps: CampsConfig = field(default_factory=CampsConfig)
    migrant: MigrantConfig = field(default_factory=MigrantConfig)
    escort: EscortConfig = field(default_factory=EscortConfig)
    troops: TroopsConfig = field(default_factory=TroopsConfig)
    guards: GuardsConfig = field(default_factory=GuardsConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    exposure: ExposureConfig = field(default_factory=ExposureConfig)
    cost: CostConfig = field(default_factory=CostConfig)
    progress: bool = True  # progress bar for long runs in an interactive terminal
    # refuse a run whose estimated memory is above this (`sim.resources`); raise it on a bigger machine
    memory_limit_gb: float = between(4.0, 0.01, 1e6)


def register_configs() -> None:
    """Register the schema so `configs/config.yaml` can extend it (`defaults: [config_schema, ...]`)."""
    ConfigStore.instance().store(name="config_schema", node=Config)


# --- validation -------------------------------------------------------------------------------------------------


def parse_date(text: str, key: str) -> dt.date:
    """A config date; `ConfigError` naming the key unless it is YYYY-MM-DD between FIRST_DATE and LAST_DATE."""
    try:
        date = dt.date.fromisoformat(str(text))
    except ValueError:
        raise ConfigError(f"{key}: '{text}' is not a date; write it as YYYY-MM-DD") from None
    if not FIRST_DATE <= date <= LAST_DATE:
        raise ConfigError(f"{key}: {date} is out of range: allowed {FIRST_DATE} to {LAST_DATE}")
    return date


def _range_text(meta: dict) -> str:
    def show(bound: float) -> str:
        return str(bound) if isinstance(bound, int) else f"{bound:g}"

    opening = "(" if meta.get("open_lo") else "["
    return f"allowed {opening}{show(meta['min'])}, {show(meta['max'])}]"


def _number_problem(value: Any, key: str, meta: dict) -> str | None:
    """What is wrong with a number: not finite, or outside its field's range (NaN fails every bound); None if
    nothing is, or if `value` is not a number."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        allowed = _range_text(meta) if "min" in meta else "allowed: a finite number"
        return f"{key}={value} is not a finite number: {allowed}"
    if "min" not in meta:
        return None
    low_ok = value > meta["min"] if meta.get("open_lo") else value >= meta["min"]
    return None if low_ok and value <= meta["max"] else f"{key}={value} is out of range: {_range_text(meta)}"


def _walk(obj: Any, path: str, errors: list[str], failed: set[str]) -> None:
    """Check every field's range/date metadata, recursing into nested dataclasses and lists; a list of numbers
    takes its field's range for each item. Adds each problem to `errors` and its key to `failed`."""
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            _walk(item, f"{path}[{i}]", errors, failed)
        return
    if not dataclasses.is_dataclass(obj):
        return
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        key = f"{path}.{f.name}" if path else f.name
        meta = f.metadata
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        problems = [_number_problem(item, key if i is None else f"{key}[{i}]", meta) for i, item in items]
        if meta.get("date") and value is not None:
            try:
                parse_date(value, key)
            except ConfigError as err:
                problems.append(str(err))
        problems = [p for p in problems if p]
        if problems:
            errors.extend(problems)
            failed.add(key)
        _walk(value, key, errors, failed)


def _check_border(border: BorderConfig, errors: list[str]) -> None:
    """Sections of each line must tile it exactly: no overlap, no gap, whole cells. Messages name each section by
    its place in the list (`border.sections[3]`)."""
    if not border.lines:
        errors.append("border.lines: at least one country line is required (allowed: poland, lithuania)")
    seen = [line.country for line in border.lines]
    if len(set(seen)) != len(seen):
        errors.append(f"border.lines: each country may appear once, got {[c.value for c in seen]}")
    eps = 1e-6
    for line in border.lines:
        mine = [(i, s) for i, s in enumerate(border.sections) if s.country == line.country]
        mine.sort(key=lambda item: item[1].start_km)
        name = line.country.value
        if not mine:
            errors.append(f"border.sections: no section covers the {name} line (0 to {line.length_km} km)")
            continue
        pos, previous = 0.0, "the line's start"
        for i, s in mine:
            key = f"border.sections[{i}]"
            if s.start_km > pos + eps:
                errors.append(
                    f"border.sections: gap on the {name} line between {pos} and {s.start_km} km "
                    f"(between {previous} and {key}.start_km={s.start_km})"
                )
            elif s.start_km < pos - eps:
                errors.append(
                    f"border.sections: sections overlap on the {name} line at {s.start_km} km "
                    f"({key}.start_km={s.start_km} is before the end of {previous}, {pos} km)"
                )
            pos, previous = max(pos, s.start_km + s.length_km), key
        if abs(pos - line.length_km) > eps:
            errors.append(
                f"border.sections: the {name} line is {line.length_km} km but its sections end at {pos} km "
                f"(border.lines: {name} length_km={line.length_km}; last section {previous})"
            )
        for i, s in mine:
            for value, what in ((s.start_km, "start_km"), (s.length_km, "length_km")):
                cells = value / border.cell_km
                if abs(cells - round(cells)) > 1e-6:
                    errors.append(
                        f"border.sections[{i}].{what}={value}: not a whole number of cells "
                        f"(border.cell_km={border.cell_km}); {name} section at {s.start_km} km"
                    )
    orphans = {s.country.value for s in border.sections} - {c.value for c in seen}
    if orphans:
        errors.append(f"border.sections: sections for {sorted(orphans)} but no such entry in border.lines")


def dated_inputs(cfg: Config) -> list[tuple[str, list[Any]]]:
    """Every list of dated points in a config, by key: the inputs a run window can miss."""
    return [
        ("arrivals.per_day", cfg.arrivals.per_day),
        ("troops.ramp.poland", cfg.troops.ramp.poland),
        ("troops.ramp.lithuania", cfg.troops.ramp.lithuania),
        ("camps.repatriations", cfg.camps.repatriations),
        *((f"fence.rules[{i}].build", r.build) for i, r in enumerate(cfg.fence.rules)),
    ]


def _check_dates(cfg: Config, errors: list[str]) -> None:
    for key, points in dated_inputs(cfg):
        dates = [parse_date(p.date, key) for p in points]
        if dates != sorted(dates):
            errors.append(f"{key}: dates must be in increasing order, got {[p.date for p in points]}")
    if not cfg.arrivals.per_day:
        errors.append("arrivals.per_day: give at least one {date, value} point (a constant rate)")
    start = parse_date(cfg.start_date, "start_date")
    last = start + dt.timedelta(days=cfg.days - 1)
    if last > LAST_DATE:
        errors.append(
            f"start_date={start} with days={cfg.days} ends on {last}: the last day allowed is {LAST_DATE} "
            f"(at most {(LAST_DATE - start).days + 1} days from this start)"
        )


def _check_misc(cfg: Config, errors: list[str]) -> None:
    gs = cfg.escort.group_size
    if gs.min > gs.max:
        errors.append(f"escort.group_size: min={gs.min} must not exceed max={gs.max}")
    w = cfg.escort.severity_weights
    if not w or sum(w) <= 0:
        errors.append(f"escort.severity_weights={w}: allowed a non-empty list of weights >= 0 with a positive sum")


def _check_effective_probabilities(cfg: Config, errors: list[str]) -> None:
    """A barrier's p_breach times a terrain's p_breach_factor is the chance a try gets through there: it must be a
    probability for every barrier the fence rules could put on every terrain (nothing is clipped silently)."""
    for barrier in Barrier:
        p = getattr(cfg.barriers, barrier.value).p_breach
        for terrain in Terrain:
            factor = getattr(cfg.terrain, terrain.value).p_breach_factor
            if p * factor > 1.0:
                errors.append(
                    f"barriers.{barrier.value}.p_breach={p:g} x terrain.{terrain.value}.p_breach_factor={factor:g} "
                    f"= {p * factor:g}: the chance of a breach must not exceed 1; lower one of the two"
                )


def run_window_warnings(cfg: Config) -> list[str]:
    """Dated inputs that fall wholly outside the run window and so change nothing, or not what their dates say:
    one entry per input, each naming its key and date.

    Not errors: a run of November alone rightly ignores a repatriation of December. But silence would let a typo
    (`pushback_from=2030-01-01`) pass as a policy run, so the model logs them, in one warning line.
    """
    start = parse_date(cfg.start_date, "start_date")
    end = start + dt.timedelta(days=cfg.days - 1)
    out = []
    for country in ("poland", "lithuania"):
        key = f"policy.{country}.pushback_from"
        when = getattr(cfg.policy, country).pushback_from
        if when is not None and parse_date(when, key) > end:
            out.append(f"{key}={when} (never applied)")
    for key, points in dated_inputs(cfg):
        dates = [parse_date(p.date, key) for p in points]
        if key == "camps.repatriations":
            if dates and not any(start <= d <= end for d in dates):
                out.append(f"{key} on {', '.join(map(str, dates))} (none happens)")
        elif dates and dates[0] > end:
            holds = "nothing is built" if key.startswith("fence.") else f"its first value {points[0].value:g} holds"
            out.append(f"{key} from {dates[0]} ({holds})")
    return out


#: Cross-field checks and the key prefixes each reads: a check runs only when those keys passed the field checks,
#: so a bad value (cell_km=0) is reported once, by name, and never crashes a check that divides by it.
CROSS_CHECKS: tuple[tuple[Callable[[Config, list[str]], None], tuple[str, ...]], ...] = (
    (lambda cfg, errors: _check_border(cfg.border, errors), ("border.",)),
    (_check_dates, ("start_date", "days", "arrivals.", "troops.ramp.", "camps.", "fence.")),
    (_check_misc, ("escort.",)),
    (_check_effective_probabilities, ("barriers.", "terrain.")),
)


# --- resources ----------------------------------------------------------------------------------------------------
#
# Bytes per unit, measured with tracemalloc on full runs (2026-11-29; see docs/ODD.md 8.6) and rounded
# up: a person's arrays and, once anyone asks for the agents, their Migrant view; a patrol's arrays and Mesa agent;
# a grid cell's Mesa Cell; a day x segment of the fence construction plan.
BYTES_BASE = 600e6  # Python, numpy, pandas, numba, Hydra and Mesa loaded
BYTES_PER_PERSON = 700.0
BYTES_PER_REMEMBERED_SEGMENT = 8.0  # per person and `migrant.memory` slot
BYTES_PER_PATROL = 800.0
BYTES_PER_CELL = 1500.0
BYTES_PER_PLAN_ENTRY = 10.0  # barrier (1), sensors (1), capex (8)
BYTES_PER_ESCORT = 2000.0


def memory_estimate(cfg: Config) -> dict[str, tuple[float, str]]:
    """Bytes a run of `cfg` needs, by what drives them: {part: (bytes, the keys that set its size)}.

    An estimate for refusing runs that cannot fit (`memory_limit_gb`), not an accounting: the parts grow linearly
    with people, patrols, grid cells and fence segments x days, at the measured rates above.
    """
    calendar = Calendar(parse_date(cfg.start_date, "start_date"), cfg.days)
    per_day = profile(cfg.arrivals.per_day, calendar, interpolate=cfg.arrivals.interpolate) * cfg.arrivals.scale
    people = float(per_day.sum())
    patrols = 0.0
    for line in cfg.border.lines:
        level = getattr(cfg.troops, line.country.value)
        ramp = getattr(cfg.troops.ramp, line.country.value)
        peak = max((p.value for p in ramp), default=1.0)
        patrols += level * peak * cfg.guards.on_duty_share / cfg.guards.personnel_per_agent
    bc = cfg.border
    total_km = sum(line.length_km for line in bc.lines)
    cells = (total_km / bc.cell_km + 1) * ((bc.belarus_depth_km + bc.eu_depth_km) / bc.cell_km + 3)
    segments = sum(math.ceil(s.length_km / bc.segment_km) for s in bc.sections)
    person = BYTES_PER_PERSON + BYTES_PER_REMEMBERED_SEGMENT * cfg.migrant.memory
    return {
        f"~{people:,.0f} people": (people * person, "arrivals.per_day x arrivals.scale, over days"),
        f"~{patrols:,.0f} patrols": (patrols * BYTES_PER_PATROL, "troops.poland, troops.lithuania"),
        f"{cells:,.0f} grid cells": (
            cells * BYTES_PER_CELL,
            "border.cell_km, border.belarus_depth_km, border.eu_depth_km",
        ),
        f"{segments} fence segments x {cfg.days} days": (
            segments * cfg.days * BYTES_PER_PLAN_ENTRY,
            "border.segment_km, days",
        ),
        f"{cfg.escort.n_units} escort units": (cfg.escort.n_units * BYTES_PER_ESCORT, "escort.n_units"),
        "libraries": (BYTES_BASE, ""),
    }


def _check_memory(cfg: Config, errors: list[str]) -> None:
    """Refuse a run that would need more than `memory_limit_gb`, naming what drives it."""
    parts = memory_estimate(cfg)
    need = sum(size for size, _ in parts.values())
    if need <= cfg.memory_limit_gb * 1e9:
        return
    what, (size, keys) = max(parts.items(), key=lambda item: item[1][0])
    errors.append(
        f"memory_limit_gb={cfg.memory_limit_gb:g}: this run would need about {need / 1e9:,.1f} GB, mostly for "
        f"{what} ({size / 1e9:,.1f} GB, set by {keys}); lower those, or raise memory_limit_gb if the machine has it"
    )


def validate(cfg: Config) -> Config:
    """Raise ConfigError listing every problem; return the config unchanged when it is sound."""
    errors: list[str] = []
    failed: set[str] = set()
    _walk(cfg, "", errors, failed)
    for check, reads in CROSS_CHECKS:
        if not any(key.startswith(reads) for key in failed):
            check(cfg, errors)
    if not errors:
        _check_memory(cfg, errors)
    if errors:
        raise ConfigError("invalid config:\n  " + "\n  ".join(errors))
    return cfg


def to_config(cfg: Config | DictConfig | dict) -> Config:
    """Turn a composed DictConfig (or a plain dict) into a validated `Config` object.

    Hydra's own node (present in sweep-time configs) is dropped before anything is resolved. Type and key errors
    of a hand-made dict become `ConfigError`s naming the key, as on the command line.
    """
    if isinstance(cfg, Config):
        return validate(cfg)
    plain = OmegaConf.to_container(cfg, resolve=False) if isinstance(cfg, DictConfig) else dict(cfg)
    assert isinstance(plain, dict)
    plain.pop("hydra", None)
    try:
        obj = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(Config), plain))
    except OmegaConfBaseException as err:
        raise ConfigError(str(err)) from None
    assert isinstance(obj, Config)
    return validate(obj)


def load_config(overrides: list[str] | tuple[str, ...] = (), config_name: str = "config") -> DictConfig:
    """Compose the project config in one line, for notebooks and tests.

    >>> cfg = load_config(["scenario=no_fence", "days=10"])
    """
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    register_configs()
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return compose(config_name=config_name, overrides=list(overrides))
