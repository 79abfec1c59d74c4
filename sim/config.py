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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.enums import Barrier, CountryName, Deployment, EscortStrategy, Terrain

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"


class ConfigError(ValueError):
    """A user mistake in a config: the message names the key and what is allowed."""


# --- field helpers: ranges live in metadata so one walker checks them all ---------------------------------------


def prob(default: float) -> Any:
    """A probability in [0, 1]."""
    return field(default=default, metadata={"min": 0.0, "max": 1.0})


def nonneg(default: float | int) -> Any:
    return field(default=default, metadata={"min": 0})


def positive(default: float | int) -> Any:
    return field(default=default, metadata={"gt": 0})


def date_field(default: str | None) -> Any:
    return field(default=default, metadata={"date": True})


# --- dated inputs --------------------------------------------------------------------------------------------------


@dataclass
class DatedAmount:
    """A non-negative amount (people per day, km) at a date; profiles interpolate between points."""

    date: str = date_field("2021-08-01")
    value: float = nonneg(0.0)


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
    length_km: float = positive(418.0)


@dataclass
class BorderSection:
    """A stretch of one line with one terrain; `start_km` is measured along that country's line."""

    country: CountryName = CountryName.poland
    start_km: float = nonneg(0.0)
    length_km: float = positive(1.0)
    terrain: Terrain = Terrain.forest
    name: str = ""


@dataclass
class BorderConfig:
    lines: list[BorderLine] = field(default_factory=list)
    sections: list[BorderSection] = field(default_factory=list)
    cell_km: float = positive(1.0)  # grid cell width (assumption: resolution choice)
    segment_km: float = positive(5.0)  # fence segment length (assumption)
    belarus_depth_km: float = positive(8.0)  # camps to line (assumption)
    eu_depth_km: float = positive(5.0)  # line to interior line = crossing (assumption)


# --- fence ------------------------------------------------------------------------------------------------------


@dataclass
class BarrierParams:
    """Rates of one barrier type (all assumptions unless noted in configs/config.yaml)."""

    p_breach: float = prob(0.9)  # chance per try that a person gets through
    p_detect: float = prob(0.05)  # chance a try is noticed without sensors (noise, time spent at the barrier)
    delay_hours: float = nonneg(0.0)  # hours a breach holds people at the line (climbing, cutting)
    repair_hours: float = nonneg(12.0)  # hours from a cut to its repair
    capex_eur_per_km: float = nonneg(0.0)  # capital cost per km


@dataclass
class BarriersConfig:
    none: BarrierParams = field(default_factory=BarrierParams)
    razor_wire: BarrierParams = field(default_factory=BarrierParams)
    steel_wall: BarrierParams = field(default_factory=BarrierParams)


@dataclass
class SensorsConfig:
    p_detect: float = prob(0.8)  # cameras + motion sensors seeing a try (assumption)
    capex_eur_per_km: float = nonneg(0.0)


@dataclass
class TerrainParams:
    p_breach_factor: float = nonneg(1.0)  # multiplies the barrier's p_breach (a river is an obstacle)
    walk_factor: float = positive(1.0)  # multiplies walking speeds
    sight_factor: float = nonneg(1.0)  # multiplies patrol sight
    exposure_factor: float = nonneg(1.0)  # multiplies the exposure hazard
    risk: float = nonneg(1.0)  # weight of the terrain in `by_risk` deployment


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
    length_km: float | None = field(default=None, metadata={"min": 0})
    build: list[DatedAmount] = field(default_factory=list)
    capex_eur_per_km: float | None = field(default=None, metadata={"min": 0})  # null: the barrier's own


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
    scale: float = nonneg(1.0)  # multiplies the whole profile (surge = 5)


@dataclass
class CampsConfig:
    """People waiting in Belarus: flown home on dated repatriations, or leaving on their own."""

    repatriations: list[DatedShare] = field(default_factory=list)
    p_leave_per_day: float = prob(0.0)


@dataclass
class MigrantConfig:
    walk_kmh: float = positive(2.0)  # speed of an escorted group in Belarus
    walk_kmh_eu: float = positive(0.5)  # covert progress inside the EU zone
    retry_hours: int = positive(3)  # hours between tries at a fence
    patience_hours: int = positive(24)  # hours at one segment before moving to another
    switch_max_segments: int = positive(3)  # how far (in segments) people move when they switch
    rest_hours: int = nonneg(24)  # rest after a pushback before trying again
    max_attempts: int = positive(60)  # tries before giving up
    max_pushbacks: int = positive(6)  # pushbacks before giving up
    max_zone_days: float = positive(30.0)  # days in the zone before giving up
    memory: int = positive(4)  # failed segments remembered (avoided when switching)


@dataclass
class GroupSize:
    """Lognormal group size, clipped to [min, max]."""

    median: float = positive(40.0)
    sigma: float = nonneg(0.7)
    min: int = positive(5)
    max: int = positive(250)


@dataclass
class EscortConfig:
    n_units: int = nonneg(6)
    strategy: EscortStrategy = EscortStrategy.adaptive
    group_size: GroupSize = field(default_factory=GroupSize)
    min_group: int = positive(10)  # people waiting in camp before a unit leaves with a group
    p_cut: float = prob(0.3)  # chance a unit cuts the fence on arrival
    cut_damage: float = prob(0.5)  # damage added by a cut (0..1)
    p_incident: float = prob(0.1)  # chance a unit stages an incident on arrival
    severity_weights: list[float] = field(default_factory=lambda: [0.6, 0.3, 0.1])
    incident_hours: int = positive(4)  # how long an incident ties patrols down
    responders_per_severity: int = nonneg(6)  # patrols drawn per severity level
    diversion_km: float = nonneg(15.0)  # incidents are staged this far from the crossing point
    p_incursion: float = prob(0.05)  # chance escorts cross the line themselves after a cut
    stay_hours: int = nonneg(24)  # hours a unit stays at the line blocking returns
    share_knowledge: bool = True  # adaptive units pool what they learn
    weakest_noise: float = nonneg(0.3)  # noise in a weakest-segment pick (0 = always the same segment)


@dataclass
class TroopRamp:
    """Share of the troop level in force by date (linear between points); empty = the full level all along."""

    poland: list[DatedShare] = field(default_factory=list)
    lithuania: list[DatedShare] = field(default_factory=list)


@dataclass
class TroopsConfig:
    poland: int = nonneg(15000)
    lithuania: int = nonneg(5000)
    ramp: TroopRamp = field(default_factory=TroopRamp)


@dataclass
class GuardsConfig:
    personnel_per_agent: int = positive(3)
    on_duty_share: float = prob(0.3)
    deployment: Deployment = Deployment.by_risk
    sight_km: float = nonneg(1.0)
    p_see: float = prob(0.2)
    patrol_kmh: float = positive(4.0)
    beat_km: float = nonneg(3.0)
    respond_kmh: float = positive(15.0)
    responders_per_alarm: int = positive(4)
    capacity_per_hour: int = positive(5)
    p_apprehend: float = prob(0.6)
    handling_hours: int = nonneg(3)
    pursuit_hours: int = positive(3)
    reinforce_days: float = positive(7.0)


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
    cold_months: list[int] = field(default_factory=lambda: [11, 12, 1, 2, 3])
    cold_factor: float = nonneg(3.0)


@dataclass
class CostConfig:
    troop_eur_per_day: float = nonneg(150.0)
    fence_lifetime_years: float = positive(20.0)


@dataclass
class Config:
    scenario: str = "autumn2021"
    seed: int = 0
    start_date: str = date_field("2021-08-01")
    days: int = positive(153)
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


def register_configs() -> None:
    """Register the schema so `configs/config.yaml` can extend it (`defaults: [config_schema, ...]`)."""
    ConfigStore.instance().store(name="config_schema", node=Config)


# --- validation -------------------------------------------------------------------------------------------------


def parse_date(text: str, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise ConfigError(f"{key}: '{text}' is not a date; write it as YYYY-MM-DD") from None


def _walk(obj: Any, path: str, errors: list[str]) -> None:
    """Check every field's range/date metadata, recursing into nested dataclasses and lists."""
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            _walk(item, f"{path}[{i}]", errors)
        return
    if not dataclasses.is_dataclass(obj):
        return
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        key = f"{path}.{f.name}" if path else f.name
        meta = f.metadata
        if value is not None and isinstance(value, int | float) and not isinstance(value, bool):
            if "min" in meta and "max" in meta and not meta["min"] <= value <= meta["max"]:
                errors.append(f"{key}={value} is out of range: allowed [{meta['min']}, {meta['max']}]")
            elif "min" in meta and "max" not in meta and value < meta["min"]:
                errors.append(f"{key}={value} is out of range: allowed >= {meta['min']}")
            elif "gt" in meta and value <= meta["gt"]:
                errors.append(f"{key}={value} is out of range: allowed > {meta['gt']}")
        if meta.get("date") and value is not None:
            try:
                parse_date(value, key)
            except ConfigError as err:
                errors.append(str(err))
        _walk(value, key, errors)


def _check_border(border: BorderConfig, errors: list[str]) -> None:
    """Sections of each line must tile it exactly: no overlap, no gap, whole cells."""
    if not border.lines:
        errors.append("border.lines: at least one country line is required (allowed: poland, lithuania)")
    seen = [line.country for line in border.lines]
    if len(set(seen)) != len(seen):
        errors.append(f"border.lines: each country may appear once, got {[c.value for c in seen]}")
    eps = 1e-6
    for line in border.lines:
        sections = sorted((s for s in border.sections if s.country == line.country), key=lambda s: s.start_km)
        name = line.country.value
        if not sections:
            errors.append(f"border.sections: no section covers the {name} line (0 to {line.length_km} km)")
            continue
        pos = 0.0
        for s in sections:
            if s.start_km > pos + eps:
                errors.append(f"border.sections: gap on the {name} line between {pos} and {s.start_km} km")
            elif s.start_km < pos - eps:
                errors.append(f"border.sections: sections overlap on the {name} line at {s.start_km} km")
            pos = max(pos, s.start_km + s.length_km)
        if abs(pos - line.length_km) > eps:
            errors.append(f"border.sections: the {name} line is {line.length_km} km but its sections end at {pos} km")
        for s in sections:
            for value, what in ((s.start_km, "start_km"), (s.length_km, "length_km")):
                cells = value / border.cell_km
                if abs(cells - round(cells)) > 1e-6:
                    errors.append(
                        f"border.sections: {name} section at {s.start_km} km has {what}={value}, "
                        f"not a whole number of cells (border.cell_km={border.cell_km})"
                    )
    orphans = {s.country.value for s in border.sections} - {c.value for c in seen}
    if orphans:
        errors.append(f"border.sections: sections for {sorted(orphans)} but no such entry in border.lines")


def _check_dates(cfg: Config, errors: list[str]) -> None:
    for key, points in (
        ("arrivals.per_day", cfg.arrivals.per_day),
        ("troops.ramp.poland", cfg.troops.ramp.poland),
        ("troops.ramp.lithuania", cfg.troops.ramp.lithuania),
        ("camps.repatriations", cfg.camps.repatriations),
        *((f"fence.rules[{i}].build", r.build) for i, r in enumerate(cfg.fence.rules)),
    ):
        try:
            dates = [parse_date(p.date, key) for p in points]
        except ConfigError:
            continue  # already reported by the field walker
        if dates != sorted(dates):
            errors.append(f"{key}: dates must be in increasing order, got {[p.date for p in points]}")
    if not cfg.arrivals.per_day:
        errors.append("arrivals.per_day: give at least one {date, value} point (a constant rate)")


def _check_misc(cfg: Config, errors: list[str]) -> None:
    gs = cfg.escort.group_size
    if gs.min > gs.max:
        errors.append(f"escort.group_size: min={gs.min} must not exceed max={gs.max}")
    w = cfg.escort.severity_weights
    if not w or any(x < 0 for x in w) or sum(w) <= 0:
        errors.append(f"escort.severity_weights={w}: allowed a non-empty list of weights >= 0 with a positive sum")
    bad = [m for m in cfg.exposure.cold_months if not 1 <= m <= 12]
    if bad:
        errors.append(f"exposure.cold_months: {bad} are not months; allowed 1..12")


def validate(cfg: Config) -> Config:
    """Raise ConfigError listing every problem; return the config unchanged when it is sound."""
    errors: list[str] = []
    _walk(cfg, "", errors)
    _check_border(cfg.border, errors)
    _check_dates(cfg, errors)
    _check_misc(cfg, errors)
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
