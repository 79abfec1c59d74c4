"""Range, date and cross-field checks on a whole config, and the warnings for dated inputs a run never reaches
and for troop levels a sweep sets that a ramp scales down.

Hydra/OmegaConf already reject unknown keys, wrong types and unknown enum names (with the allowed values), but
they never check ranges, dates or whether border sections tile the line. `validate` does, on the fully merged
config, so that command-line values are checked too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sim.config.border import BorderConfig, BorderLine
from sim.config.enums import EU_COUNTRIES, Barrier, Terrain
from sim.config.experiment import experiment_problems
from sim.config.fields import LAST_DATE, ConfigError, parse_date
from sim.config.resources import memory_estimate
from sim.config.root import Config
from sim.config.timeline import Calendar, profile


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


def _check_tiling(border: BorderConfig, kind: str, line: BorderLine, errors: list[str]) -> None:
    """The `kind` items (`sections` or `posts`) of one line must tile it exactly: no overlap, no gap, whole cells.
    Messages name each item by its place in its list (`border.sections[3]`)."""
    eps = 1e-6
    items = getattr(border, kind)
    mine = [(i, s) for i, s in enumerate(items) if s.country == line.country]
    mine.sort(key=lambda item: item[1].start_km)
    name = line.country.value
    pos, previous = 0.0, "the line's start"
    for i, s in mine:
        key = f"border.{kind}[{i}]"
        if s.start_km > pos + eps:
            errors.append(
                f"border.{kind}: gap on the {name} line between {pos} and {s.start_km} km "
                f"(between {previous} and {key}.start_km={s.start_km})"
            )
        elif s.start_km < pos - eps:
            errors.append(
                f"border.{kind}: {kind} overlap on the {name} line at {s.start_km} km "
                f"({key}.start_km={s.start_km} is before the end of {previous}, {pos} km)"
            )
        pos, previous = max(pos, s.start_km + s.length_km), key
    if abs(pos - line.length_km) > eps:
        errors.append(
            f"border.{kind}: the {name} line is {line.length_km} km but its {kind} end at {pos} km "
            f"(border.lines: {name} length_km={line.length_km}; last {kind[:-1]} {previous})"
            + ("; a changed line needs its own posts, or border.posts=[]" if kind == "posts" else "")
        )
    for i, s in mine:
        for value, what in ((s.start_km, "start_km"), (s.length_km, "length_km")):
            cells = value / border.cell_km
            if abs(cells - round(cells)) > 1e-6:
                errors.append(
                    f"border.{kind}[{i}].{what}={value}: not a whole number of cells "
                    f"(border.cell_km={border.cell_km}); {name} {kind[:-1]} at {s.start_km} km"
                )


def _check_border(border: BorderConfig, errors: list[str]) -> None:
    """Sections of each line must tile it exactly: no overlap, no gap, whole cells. So must its Border Guard posts,
    if it has any (a line without posts is one post); each post has a name, unique on its line."""
    if not border.lines:
        errors.append("border.lines: at least one country line is required (allowed: poland, lithuania)")
    seen = [line.country for line in border.lines]
    if len(set(seen)) != len(seen):
        errors.append(f"border.lines: each country may appear once, got {[c.value for c in seen]}")
    for line in border.lines:
        name = line.country.value
        if not any(s.country == line.country for s in border.sections):
            errors.append(f"border.sections: no section covers the {name} line (0 to {line.length_km} km)")
        else:
            _check_tiling(border, "sections", line, errors)
        if any(p.country == line.country for p in border.posts):
            _check_tiling(border, "posts", line, errors)
    for kind in ("sections", "posts"):
        orphans = {s.country.value for s in getattr(border, kind)} - {c.value for c in seen}
        if orphans:
            hint = " (border.posts=[] drops the default posts)" if kind == "posts" else ""
            errors.append(f"border.{kind}: {kind} for {sorted(orphans)} but no such entry in border.lines{hint}")
    names: dict[tuple[str, str], int] = {}
    for i, post in enumerate(border.posts):
        if not post.name.strip():
            errors.append(
                f"border.posts[{i}].name: a post needs a name ({post.country.value} post at {post.start_km} km)"
            )
        elif (post.country.value, post.name) in names:
            first = names[(post.country.value, post.name)]
            errors.append(
                f"border.posts[{i}].name='{post.name}': the {post.country.value} line has it already "
                f"(border.posts[{first}])"
            )
        else:
            names[(post.country.value, post.name)] = i


def dated_inputs(cfg: Config) -> list[tuple[str, list[Any]]]:
    """Every list of dated points in a config, by key: the inputs a run window can miss."""
    return [
        ("arrivals.per_day", cfg.arrivals.per_day),
        ("troops.ramp.poland", cfg.troops.ramp.poland),
        ("troops.ramp.lithuania", cfg.troops.ramp.lithuania),
        ("camps.repatriations", cfg.camps.repatriations),
        ("escort.units.poland", cfg.escort.units.poland),
        ("escort.units.lithuania", cfg.escort.units.lithuania),
        ("escort.massing.poland.per_day", cfg.escort.massing.poland.per_day),
        ("escort.massing.lithuania.per_day", cfg.escort.massing.lithuania.per_day),
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
    for country in ("poland", "lithuania"):
        m = getattr(cfg.escort.massing, country)
        if m.until is not None and m.per_day and parse_date(m.until, "until") <= parse_date(m.per_day[0].date, "date"):
            errors.append(
                f"escort.massing.{country}.until={m.until}: must come after the first "
                f"escort.massing.{country}.per_day date ({m.per_day[0].date})"
            )


def _check_posterior_draw(cfg: Config, errors: list[str]) -> None:
    """A posterior draw needs a calibration with draws (`to_config` applies the draw; `sim.config.draws`)."""
    if cfg.posterior_draw is not None and cfg.calibration.posterior is None:
        errors.append(
            f"posterior_draw={cfg.posterior_draw}: calibration `{cfg.calibration.name}` has no posterior draws "
            "(calibration.posterior is null); allowed: a calibration with draws, or posterior_draw=null"
        )


def _check_access(border: BorderConfig, errors: list[str]) -> None:
    """Escorts pick segments by their sections' access: each line needs somewhere they can reach."""
    for line in border.lines:
        mine = [s for s in border.sections if s.country == line.country]
        if mine and not any(s.access > 0 for s in mine):
            errors.append(
                f"border.sections: every {line.country.value} section has access=0; at least one needs access > 0"
            )


def has_key(cfg: Config, key: str) -> bool:
    """Whether dotted `key` names a key of the config (a value or a block: `fence`, `troops.poland`)."""
    node: Any = cfg
    for part in key.split("."):
        if not dataclasses.is_dataclass(node) or part not in {f.name for f in dataclasses.fields(node)}:
            return False
        node = getattr(node, part)
    return True


def _check_experiment(cfg: Config, errors: list[str]) -> None:
    """The experiment block: a file name, a question ending in '?', a baseline of this config's keys."""
    errors.extend(experiment_problems(cfg.experiment, lambda key: has_key(cfg, key)))


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
        key = f"escort.massing.{country}.until"
        plan = getattr(cfg.escort.massing, country)
        brought = [p for p in plan.per_day if parse_date(p.date, key) <= end]
        if brought and plan.until is not None and parse_date(plan.until, key) > end:
            out.append(f"{key}={plan.until} (after the run: the people held are never released)")
    for key, points in dated_inputs(cfg):
        dates = [parse_date(p.date, key) for p in points]
        if key == "camps.repatriations":
            if dates and not any(start <= d <= end for d in dates):
                out.append(f"{key} on {', '.join(map(str, dates))} (none happens)")
        elif dates and dates[0] > end:
            if key.startswith("fence."):
                holds = "nothing is built"
            elif key.startswith("escort.massing."):
                holds = "nobody is brought"
            else:
                holds = f"its first value {points[0].value:g} holds"
            out.append(f"{key} from {dates[0]} ({holds})")
    return out


def troop_ramp_warnings(
    jobs: Iterable[tuple[Config, Sequence[str]]], levels_asked: Mapping[str, Iterable[float]] | None = None
) -> list[str]:
    """One warning per EU country whose troop level jobs set by an override (`troops.poland=3000`, as a sweep
    does) while that job's dated ramp (`troops.ramp.poland`) scales it below the level on some day of the run: the
    runs then deploy less than the level the sweep names. `jobs`: each job's validated config and its overrides.
    Each warning names the key, the levels asked (those of `jobs`, or `levels_asked[country]` where given: a
    sweep's levels in batches not composed yet), the share of them in force, and the fix (`troops.ramp.<c>=[]`).
    """
    levels: dict[str, list[int]] = {}
    shares: dict[str, list[float]] = {}
    for cfg, overrides in jobs:
        given = {o.split("=", 1)[0].lstrip("+~") for o in overrides if "=" in o}
        calendar = None
        for country in (c.label for c in EU_COUNTRIES):
            ramp = getattr(cfg.troops.ramp, country)
            if f"troops.{country}" not in given or not ramp:
                continue
            calendar = calendar or Calendar(cfg.start_date, cfg.days)
            share = profile(ramp, calendar, interpolate=True)
            if share.min() >= 1.0 and share.max() <= 1.0:
                continue
            levels.setdefault(country, []).append(getattr(cfg.troops, country))
            shares.setdefault(country, []).extend((float(share.min()), float(share.max())))
    out = []
    for country, asked in levels.items():
        values = sorted({*asked, *(levels_asked or {}).get(country, ())})
        shown = ("swept over " if len(values) > 1 else "set to ") + ", ".join(f"{round(level):,}" for level in values)
        lo, hi = min(shares[country]), max(shares[country])
        scaled = f"{lo:.0%}" if round(lo, 2) == round(hi, 2) else f"between {lo:.0%} and {hi:.0%}"
        out.append(
            f"troops.{country} is {shown} but troops.ramp.{country} scales it to {scaled} of that level during the "
            f"runs, so they deploy fewer troops than the level names; add troops.ramp.{country}=[] to hold the level "
            "constant (summary.csv's troops_deployed gives what each run deployed)"
        )
    return out


#: Cross-field checks and the key prefixes each reads: a check runs only when those keys passed the field checks,
#: so a bad value (cell_km=0) is reported once, by name, and never crashes a check that divides by it.
CROSS_CHECKS: tuple[tuple[Callable[[Config, list[str]], None], tuple[str, ...]], ...] = (
    (lambda cfg, errors: _check_border(cfg.border, errors), ("border.",)),
    (lambda cfg, errors: _check_access(cfg.border, errors), ("border.",)),
    (_check_dates, ("start_date", "days", "arrivals.", "troops.ramp.", "camps.", "fence.", "escort.")),
    (_check_misc, ("escort.", "start_date")),
    (_check_effective_probabilities, ("barriers.", "terrain.")),
    (_check_posterior_draw, ("posterior_draw",)),
    (_check_experiment, ("experiment.",)),
)


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
