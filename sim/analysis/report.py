"""A sweep's comparison report: `python -m sim.report SWEEP_DIR [--baseline fence=none,troops.poland=2000]`.

Writes `report.md`, the same report as one self-contained `report.html` (figures embedded) and its PNG figures into
the sweep directory (or `--out`). The report states its frame (the experiment's question and description, the
simulated period, what each swept key means, the runs per scenario, what the intervals cover, the baseline), then
for Poland, Lithuania and in total: short conclusions quoting each effect's interval; per scenario the mean and 95%
interval over the replicates of crossings, of the person-based share of people who got through and of the
event-based interception rate, and of the humanitarian outcomes (deaths, people who gave up, asylum claims,
pushbacks, days in the border zone, people massed at the line); effects against the baseline scenario (paired by
replicate); the costs with every cost assumption they rest on, over the period and per year, and the cost per
prevented crossing with the fence's capital amortised and charged in full; and figures per country.

A scenario is one combination of the swept keys other than `seed` and `posterior_draw`: those two are its
replicates. Without posterior draws, each interval is the 95% confidence interval of the mean over seeds (seed noise
only). When the runs differ by posterior draw, a scenario's runs are every (seed, posterior draw) pair, effects are
paired by both, and every interval (scenario means, effects, costs, cost per prevented crossing, the conclusions,
the figures) is the 95% prediction interval over the draws, each draw averaged over its seeds
(`sim.analysis.stats.over_draws`): it covers parameter uncertainty and does not narrow as draws are added. The
report says which interval it gives. Columns that older sweeps do not record (per-country fences, troops deployed,
the cost split, the person-based measures) are said to be "not recorded in these runs".
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import plots
from sim.analysis.report_html import write_html
from sim.analysis.stats import (
    COUNT,
    SHARE,
    Bounds,
    Estimate,
    cost_per_prevented,
    cost_per_prevented_by_draw,
    draw_effect,
    effect,
    few_runs,
    mean_ci,
    over_draws,
    prediction_interval,
)
from sim.cli.aggregate import Sweep, aggregate, collect
from sim.cli.io import cannot_write, write_text
from sim.cli.outputs import OverrideError, parse_override, read_config, same_value
from sim.config.overrides import split_top_level

NOT_RECORDED = "not recorded in these runs"
#: Below this many runs in a scenario (with posterior draws swept: this many draws) the report warns that its
#: intervals are unreliable (`--min-runs`).
MIN_RUNS = 10


@dataclass(frozen=True)
class Measure:
    """A summary column as the report shows it: its name (never an event rate called a share of people), digits,
    the scale of the shown number (1e-6: EUR M), and the range its mean can take (the interval is cut there)."""

    column: str
    name: str
    digits: int = 0
    scale: float = 1.0
    bounds: Bounds = COUNT
    unit: str = ""


CROSSINGS = Measure("crossings", "crossings")
PEOPLE_CROSSED = Measure("people_crossed", "people who got through")
SHARE_CROSSED = Measure(
    "share_crossed", "share of people who reached the line and got through (person-based)", 3, bounds=SHARE
)
INTERCEPTION = Measure(
    "interception_rate", "apprehensions per apprehension-or-crossing event (event-based)", 3, bounds=SHARE
)
DEATHS = Measure("deaths", "deaths", 1)
GAVE_UP = Measure("gave_up", "people who gave up", 0)
ASYLUM = Measure("asylum_claims", "asylum claims", 0)
PUSHBACKS = Measure("pushbacks", "pushbacks", 0)
COST = Measure("cost_eur", "cost over the period (EUR M)", 2, 1e-6, unit="EUR M")

#: The border table: person-based and event-based measures side by side.
BORDER = (
    CROSSINGS,
    Measure("attempts", "attempts (events)"),
    Measure("apprehensions", "apprehensions (events)"),
    Measure("people_reached_line", "people who reached the line"),
    PEOPLE_CROSSED,
    SHARE_CROSSED,
    INTERCEPTION,
    Measure("apprehensions_per_attempt", "apprehensions per attempt (event-based)", 3),
)
HUMANITARIAN = (
    DEATHS,
    GAVE_UP,
    ASYLUM,
    PUSHBACKS,
    Measure("pushbacks_per_person", "pushbacks per person", 2),
    Measure("days_in_zone_mean", "days in the border zone (mean per person)", 1),
    Measure("massed_peak", "people massed at the line (peak day)", 0),
)
COSTS = (
    COST,
    Measure("cost_troops_eur", "troops (EUR M)", 2, 1e-6),
    Measure("cost_fence_eur", "fence, capital amortised over its lifetime (EUR M)", 2, 1e-6),
    Measure("cost_asylum_eur", "asylum claims (EUR M)", 2, 1e-6),
    Measure("cost_pushback_eur", "pushbacks (EUR M)", 2, 1e-6),
)
FENCE_CAPITAL = Measure("fence_capital_eur", "fence capital standing, full (EUR M)", 1, 1e-6)
#: The effects table's measures and the conclusions' (headline) measures.
EFFECTS = (CROSSINGS, PEOPLE_CROSSED, SHARE_CROSSED, INTERCEPTION, *HUMANITARIAN, COST)
HEADLINE = (CROSSINGS, DEATHS, GAVE_UP, ASYLUM, COST)
#: (column, heading, digits, scale) of the measures every sweep records (the notebook's and older code's view).
METRICS: tuple[tuple[str, str, int, float], ...] = tuple(
    (m.column, m.name, m.digits, m.scale)
    for m in (CROSSINGS, BORDER[1], BORDER[2], PUSHBACKS, INTERCEPTION, DEATHS, COST)
)


@dataclass(frozen=True)
class Country:
    key: str  # "poland", "lithuania", "total"
    name: str  # heading
    where: str  # "On the Polish line"
    adjective: str  # "Polish"

    def column(self, name: str) -> str:
        return name if self.key == "total" else f"{self.key}.{name}"


COUNTRIES = (
    Country("poland", "Poland", "On the Polish line", "Polish"),
    Country("lithuania", "Lithuania", "On the Lithuanian line", "Lithuanian"),
    Country("total", "Total", "In total (both lines and the Belarusian side)", "total"),
)
EU = COUNTRIES[:2]

#: What a swept key means, for the scenario definitions.
MEANINGS = {
    "fence": "the fence option built on both lines (none, razor_wire, steel_wall, autumn2021 = as built in 2021, "
    "as_built_2022, year2023)",
    "troops.ramp.poland": "the dated share of the Polish troop level deployed ([] = all of it from the first day)",
    "troops.ramp.lithuania": "the dated share of the Lithuanian troop level deployed ([] = all of it from the first "
    "day)",
    "calibration": "the calibration whose parameter values the runs use",
    "days": "the number of simulated days",
    "start_date": "the first simulated day",
}
for _c in EU:
    MEANINGS[f"fence.{_c.key}"] = (
        f"the fence option on the {_c.adjective} line only (none, razor_wire, steel_wall, ...)"
    )
    MEANINGS[f"troops.{_c.key}"] = (
        f"{_c.adjective} troops asked for on the line (personnel; scaled over time by troops.ramp.{_c.key} unless "
        "that ramp is [])"
    )
    MEANINGS[f"policy.{_c.key}.pushback_share"] = (
        f"the share of people apprehended on the {_c.adjective} line who are pushed back to Belarus instead of "
        "claiming asylum (0 to 1)"
    )
    MEANINGS[f"policy.{_c.key}.pushback_from"] = f"the day {_c.adjective} pushbacks start (null: from the first day)"


def meaning(key: str) -> str:
    return MEANINGS.get(key, f"the config key `{key}` (its meaning and units: docs/ODD.md, section 8.1)")


REPLICATE_KEYS = ("seed", "posterior_draw")


class ReportError(ValueError):
    """A user mistake (no finished runs, unknown baseline): reported without a traceback."""


@dataclass
class Scenarios:
    table: pd.DataFrame  # finished runs, with a `scenario` label column
    keys: list[str]  # swept keys that define a scenario
    labels: list[str]  # scenario labels in sweep order
    draws: bool = False  # the runs differ by posterior draw: a replicate is a (seed, posterior_draw) pair

    @property
    def pairing(self) -> str:
        """What effects are paired by (and a replicate is)."""
        return "seed and posterior draw" if self.draws else "seed"

    @property
    def over(self) -> str:
        """What the intervals are over."""
        return "seeds and posterior draws" if self.draws else "seeds"

    @property
    def interval(self) -> str:
        """The kind of interval the report gives, for figure titles."""
        return "95% prediction interval over posterior draws" if self.draws else "95% interval"

    def draw_labels(self, rows: pd.DataFrame) -> np.ndarray:
        """The posterior draw of each of `rows` as text (`1`, not `1.0`; `nan` for a run without a draw)."""
        return rows["posterior_draw"].map(show).to_numpy()

    def spread(self, rows: pd.DataFrame, x: np.ndarray, bounds: Bounds = (None, None)) -> Estimate:
        """Mean and 95% interval of the per-run values `x` of `rows` (one scenario's runs), cut at `bounds`: the
        prediction interval over posterior draws (each draw averaged over its seeds) when the runs differ by draw,
        else the confidence interval of the mean over the runs."""
        if self.draws:
            return over_draws(x, self.draw_labels(rows), bounds)
        return mean_ci(x, bounds)


def show(value: object) -> str:
    """A swept value as typed on the command line: 0 and 0.5 rather than pandas' 0.0 and 0.5."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def same(column: pd.Series, value: object) -> pd.Series:
    """Rows whose swept value equals `value`: numbers within a relative 1e-12 (`0` and `0.0`), lists and
    mappings by their compact JSON text (how the summary table holds them), anything else as text."""
    return column.map(lambda cell: same_value(cell, value)).astype(bool)


def label(keys: list[str], values: pd.Series) -> str:
    return ", ".join(f"{k}={show(v)}" for k, v in zip(keys, values, strict=True))


def first_config(table: pd.DataFrame, sweep_dir: Path | None) -> dict:
    """The resolved config of the first run of `table` whose `config.yaml` reads ({} when none does)."""
    for job in table["job"] if sweep_dir is not None else []:
        try:
            return read_config(Path(sweep_dir) / str(int(job)))
        except (OSError, ValueError):
            continue
    return {}


def scenarios_of(sweep: Sweep, sweep_dir: Path | None = None) -> Scenarios:
    table = sweep.table.copy()
    if table.empty:
        raise ReportError("no finished run in this sweep: nothing to compare")
    keys = [k for k in sweep.keys if k not in REPLICATE_KEYS and k in table and table[k].map(show).nunique() > 1]
    if keys:
        table["scenario"] = table[keys].apply(lambda r: label(keys, r), axis=1)
    else:
        table["scenario"] = "all runs"
    labels = list(dict.fromkeys(table["scenario"]))
    draws = "posterior_draw" in table and table["posterior_draw"].map(show).nunique() > 1
    if "seed" not in table:  # with draws swept, every run has the config's seed; else each run stands for itself
        table["seed"] = table["job"] if not draws else first_config(table, sweep_dir).get("seed", "?")
    # the replicate a run is: its seed, or its (seed, posterior draw) pair; effects pair runs of the same replicate
    table["replicate"] = table["seed"].map(show) + "/" + table["posterior_draw"].map(show) if draws else table["seed"]
    return Scenarios(table, keys, labels, draws)


def parse_baseline(spec: str) -> dict[str, object]:
    """`k=v,k2=v2` as Hydra overrides: commas inside brackets, braces or quotes belong to the value
    (`troops.ramp.poland=[{date:"2021-08-01",value:0.2}]`). Raises `ReportError` naming the part it cannot read."""
    wanted = {}
    for part in split_top_level(spec):
        if "=" not in part:
            raise ReportError(
                f"--baseline: '{part}' is not key=value; give one value per key, "
                "e.g. --baseline fence=none,troops.poland=2000"
            )
        try:
            key, value = parse_override(part.strip())
        except OverrideError as err:
            raise ReportError(f"--baseline: {err}") from None
        wanted[key] = value
    return wanted


def pick_baseline(sc: Scenarios, spec: str | None) -> str:
    """The scenario matching `k=v,k2=v2` (the first scenario of the sweep when no spec is given)."""
    if not spec:
        return sc.labels[0]
    wanted = parse_baseline(spec)
    for key in wanted:
        if key not in sc.table:
            raise ReportError(f"--baseline: '{key}' is not a swept key; swept keys: {sc.keys}")
    match = sc.table
    for key, value in wanted.items():
        match = match[same(match[key], value)]
    found = list(dict.fromkeys(match["scenario"]))
    if len(found) != 1:
        raise ReportError(
            f"--baseline {spec} matches {len(found)} scenarios; choose one of:\n  " + "\n  ".join(sc.labels)
        )
    return found[0]


def default_baseline(sc: Scenarios, sweep_dir: Path | None) -> str | None:
    """The baseline the experiment names (`experiment.baseline` of the first run's config.yaml, `k=v,k2=v2`);
    None when it names none (then the first scenario is the baseline). A `--baseline` given wins over it."""
    block = first_config(sc.table, sweep_dir).get("experiment")
    spec = block.get("baseline") if isinstance(block, dict) else None
    return spec if isinstance(spec, str) and spec.strip() else None


# --- numbers ---------------------------------------------------------------------------------------------------------


def values(rows: pd.DataFrame, column: str, scale: float = 1.0) -> np.ndarray:
    """A column as floats (missing values, such as a rate with nothing to divide by, as NaN), times `scale`."""
    return pd.to_numeric(rows[column], errors="coerce").astype(float).to_numpy() * scale


def runs_per_scenario(sc: Scenarios) -> dict[str, int]:
    counts = sc.table.groupby("scenario", sort=False).size()
    return {label: int(counts[label]) for label in sc.labels}


def draws_per_scenario(sc: Scenarios) -> dict[str, int]:
    """The number of posterior draws each scenario has finished runs of."""
    drawn = sc.table.assign(draw=sc.draw_labels(sc.table)).groupby("scenario", sort=False)["draw"].nunique()
    return {label: int(drawn[label]) for label in sc.labels}


def estimates(sc: Scenarios, country: Country, m: Measure) -> dict[str, Estimate] | None:
    """Per scenario, the mean and 95% interval of `m` in `country`; None when the runs do not record it."""
    column = country.column(m.column)
    if column not in sc.table:
        return None
    groups = dict(tuple(sc.table.groupby("scenario", sort=False)))
    return {label: sc.spread(groups[label], values(groups[label], column, m.scale), m.bounds) for label in sc.labels}


def effects(sc: Scenarios, baseline: str, country: Country, m: Measure) -> dict[str, tuple[Estimate, str]] | None:
    """Per scenario other than the baseline, its effect on `m` (scenario − baseline) paired by replicate."""
    column = country.column(m.column)
    if column not in sc.table:
        return None
    base = sc.table[sc.table["scenario"] == baseline]
    out = {}
    for label in sc.labels:
        if label == baseline:
            continue
        rows = sc.table[sc.table["scenario"] == label]
        if sc.draws:
            out[label] = draw_effect(
                values(rows, column, m.scale),
                values(base, column, m.scale),
                rows["seed"].map(show).to_numpy(),
                base["seed"].map(show).to_numpy(),
                sc.draw_labels(rows),
                sc.draw_labels(base),
                m.bounds,
            )
            continue
        out[label] = effect(
            values(rows, column, m.scale),
            values(base, column, m.scale),
            rows["replicate"].to_numpy(),
            base["replicate"].to_numpy(),
            m.bounds,
        )
    return out


def measure_table(sc: Scenarios, country: Country, measures: tuple[Measure, ...]) -> str:
    """Scenario means with intervals of `measures` in `country`; a line names those the runs do not record."""
    shown = [(m, est) for m in measures if (est := estimates(sc, country, m)) is not None]
    absent = [m.name for m in measures if estimates(sc, country, m) is None]
    runs = runs_per_scenario(sc)
    lines = [
        "| scenario | runs | " + " | ".join(m.name for m, _ in shown) + " |",
        "|" + "---|" * (len(shown) + 2),
    ]
    for label in sc.labels:
        lines.append(f"| {label} | {runs[label]} | " + " | ".join(est[label].fmt(m.digits) for m, est in shown) + " |")
    if absent:
        lines.append("")
        lines.append(f"{upper_first(', '.join(absent))}: {NOT_RECORDED}.")
    return "\n".join(lines)


def scenario_table(sc: Scenarios) -> tuple[str, dict[str, dict[str, Estimate]]]:
    """The total's border measures per scenario (markdown) and the estimates {scenario: {column: Estimate}}."""
    total = COUNTRIES[2]
    est: dict[str, dict[str, Estimate]] = {label: {} for label in sc.labels}
    for m in (*BORDER, *HUMANITARIAN, COST):
        found = estimates(sc, total, m)
        for label, e in (found or {}).items():
            est[label][m.column] = e
    return measure_table(sc, total, (*BORDER, *HUMANITARIAN, COST)), est


def effects_table(sc: Scenarios, baseline: str, country: Country | None = None) -> str:
    """Effects (scenario − baseline, paired by replicate) of every recorded measure in `country` (default: total)."""
    country = country or COUNTRIES[2]
    shown = [(m, eff) for m in EFFECTS if (eff := effects(sc, baseline, country, m)) is not None]
    lines = [
        "| scenario | " + " | ".join(f"Δ {m.name}" for m, _ in shown) + " | method |",
        "|" + "---|" * (len(shown) + 2),
    ]
    for label in sc.labels:
        if label == baseline:
            continue
        methods = {eff[label][1] for _, eff in shown}
        other = "unpaired" if sc.draws else "welch"
        method = "paired" if methods == {"paired"} else other if methods == {other} else f"paired or {other}"
        cells = [eff[label][0].fmt(m.digits) for m, eff in shown]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {method} by {sc.pairing} |")
    return "\n".join(lines)


def scenario_values(sc: Scenarios, label: str) -> dict[str, object]:
    row = sc.table[sc.table["scenario"] == label].iloc[0]
    return {k: row[k] for k in sc.keys}


def change(sc: Scenarios, label: str, baseline: str) -> str:
    """What `label` sets differently from the baseline, as key=value: `troops.poland=15000`."""
    mine, base = scenario_values(sc, label), scenario_values(sc, baseline)
    differ = [k for k in sc.keys if not same_value(mine[k], base[k])]
    return ", ".join(f"{k}={show(mine[k])}" for k in differ) or label


def sentence(where: str, what: str, m: Measure, e: Estimate, draws: bool = False) -> str:
    """`On the Polish line, troops.poland=15000 cut crossings by 1,046 [880, 1,210] against the baseline; the
    interval excludes zero.` With `draws`, `e` is a prediction interval over posterior draws: excluding zero means
    one more draw's effect (averaged over seeds) has the same sign 95% of the time."""
    unit = f" {m.unit}" if m.unit else ""
    name = m.name.split(" (")[0]
    if np.isnan(e.mean):
        return f"{where}, {what}: the effect on {name} cannot be computed ({NOT_RECORDED} for every run)."
    if e.mean == 0 and (np.isnan(e.low) or e.low == e.high):
        return f"{where}, {what} left {name} unchanged against the baseline (the same in every run)."
    unsure = (
        "across the posterior's parameter values the effect may be zero or reversed"
        if draws
        else "with these runs the effect cannot be told from zero"
    )
    if e.mean == 0:
        return (
            f"{where}, {what} did not change {name} on average ({e.fmt(m.digits)}{unit}) against the baseline; "
            f"{unsure}."
        )
    verb = "cut" if e.mean < 0 else "raised"
    size = Estimate(abs(e.mean), -e.high, -e.low, e.n) if e.mean < 0 else e
    shown = size.fmt(m.digits)
    if e.n < 2 or np.isnan(e.low):
        single = "one posterior draw" if draws else "one pair of runs"
        return f"{where}, {what} {verb} {name} by {shown}{unit} against the baseline ({single}: no interval)."
    tail = "the interval excludes zero." if e.low > 0 or e.high < 0 else f"the interval includes zero: {unsure}."
    return f"{where}, {what} {verb} {name} by {shown}{unit} against the baseline; {tail}"


def conclusions(sc: Scenarios, baseline: str, country: Country) -> list[str]:
    """One sentence per scenario and headline measure (crossings, humanitarian outcomes, cost) in `country`."""
    lines = []
    for label in sc.labels:
        if label == baseline:
            continue
        what = change(sc, label, baseline)
        for m in HEADLINE:
            eff = effects(sc, baseline, country, m)
            if eff is not None:
                lines.append(sentence(country.where, what, m, eff[label][0], sc.draws))
    return lines


# --- costs -----------------------------------------------------------------------------------------------------------


def run_days(sc: Scenarios, config: dict) -> np.ndarray | None:
    """Simulated days of each run (the swept `days`, else the config's)."""
    if "days" in sc.table:
        return values(sc.table, "days")
    days = config.get("days")
    return np.full(len(sc.table), float(days)) if isinstance(days, int | float) else None


def cost_assumptions(config: dict) -> list[str]:
    """Every cost assumption the report uses, with its value in the runs' config.yaml."""
    cost = config.get("cost") if isinstance(config.get("cost"), dict) else {}

    def value(block: dict, key: str, fmt: str) -> str:
        v = block.get(key)
        return fmt.format(v) if isinstance(v, int | float) and not isinstance(v, bool) else NOT_RECORDED

    lines = [
        f"- Troops: EUR {value(cost, 'troop_eur_per_day', '{:,.0f}')} per soldier per day on the line "
        "(`cost.troop_eur_per_day`, assumption).",
        f"- Fence lifetime: {value(cost, 'fence_lifetime_years', '{:g}')} years: the capital of barriers and sensors "
        "is spread over this many years (`cost.fence_lifetime_years`, assumption).",
        f"- Processing an asylum claim: EUR {value(cost, 'asylum_claim_eur', '{:,.0f}')} per claim "
        "(`cost.asylum_claim_eur`, assumption).",
        f"- A pushback: EUR {value(cost, 'pushback_eur', '{:,.0f}')} per pushback (`cost.pushback_eur`, assumption).",
    ]
    barriers = config.get("barriers") if isinstance(config.get("barriers"), dict) else {}
    for name, block in barriers.items():
        if isinstance(block, dict) and "capex_eur_per_km" in block:
            lines.append(
                f"- Barrier `{name}`: EUR {value(block, 'capex_eur_per_km', '{:,.0f}')} capital per km "
                f"(`barriers.{name}.capex_eur_per_km`, assumption)."
            )
    sensors = config.get("sensors") if isinstance(config.get("sensors"), dict) else {}
    lines.append(
        f"- Sensors: EUR {value(sensors, 'capex_eur_per_km', '{:,.0f}')} capital per km "
        "(`sensors.capex_eur_per_km`, assumption)."
    )
    return lines


def amortised_share(config: dict) -> str:
    """In words, what share of a fence's capital the amortised cost charges for the simulated period."""
    cost = config.get("cost") if isinstance(config.get("cost"), dict) else {}
    years, days = cost.get("fence_lifetime_years"), config.get("days")
    if not isinstance(years, int | float) or not isinstance(days, int) or days <= 0:
        return "the fence lifetime or the period is " + NOT_RECORDED
    whole = years * 365
    return (
        f"over {days} days that is {days} / {whole:,.0f} of a {years:g}-year fence's capital, which makes a fence "
        f"look about {whole / days:,.0f} times cheaper than building it"
    )


def cost_per_scenario(sc: Scenarios, country: Country, days: np.ndarray | None) -> str:
    """Cost over the period and per year (EUR M) with the split into troops, fence, asylum and pushbacks."""
    groups = dict(tuple(sc.table.groupby("scenario", sort=False)))
    per_run_days = pd.Series(days, index=sc.table.index) if days is not None else None
    shown = [m for m in (*COSTS, FENCE_CAPITAL) if country.column(m.column) in sc.table]
    absent = [m.name for m in (*COSTS, FENCE_CAPITAL) if m not in shown]
    heads = [m.name for m in shown]
    if COST in shown:
        heads.insert(1, "cost per year (EUR M)")
    lines = ["| scenario | " + " | ".join(heads) + " |", "|" + "---|" * (len(heads) + 1)]
    for label in sc.labels:
        rows = groups[label]
        cells = [
            sc.spread(rows, values(rows, country.column(m.column), m.scale), m.bounds).fmt(m.digits) for m in shown
        ]
        if COST in shown:
            if per_run_days is not None:
                year = values(rows, country.column(COST.column), COST.scale) * 365 / per_run_days[rows.index]
                cells.insert(1, sc.spread(rows, year.to_numpy(float), COUNT).fmt(1))
            else:
                cells.insert(1, NOT_RECORDED)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if absent:
        lines += ["", f"{upper_first(', '.join(absent))}: {NOT_RECORDED}."]
    return "\n".join(lines)


def price(sc: Scenarios, pairs: pd.DataFrame, d_cost: np.ndarray, prevented: np.ndarray) -> Estimate | None:
    """Cost per prevented crossing of the scenario's runs `pairs` (each with its baseline partner): the ratio of
    means with a bootstrap interval over seed pairs, or, when the runs differ by posterior draw, with the
    prediction interval over the draws (`cost_per_prevented_by_draw`)."""
    if sc.draws:
        return cost_per_prevented_by_draw(d_cost, prevented, sc.draw_labels(pairs))
    return cost_per_prevented(d_cost, prevented)


def cost_table(sc: Scenarios, baseline: str, country: Country | None = None) -> str:
    """Crossings prevented against the baseline and what each costs, two ways: with the fence's capital amortised
    over its lifetime and charged for the simulated days (`cost_eur`), and with the full capital of the fence
    standing charged at once (`cost_eur` − `cost_fence_eur` + `fence_capital_eur`)."""
    country = country or COUNTRIES[2]
    col = country.column
    base = sc.table[sc.table["scenario"] == baseline].set_index("replicate")
    full = all(col(c) in sc.table for c in ("cost_fence_eur", "fence_capital_eur"))
    lines = [
        "| scenario | crossings prevented | extra cost, fence amortised (EUR M) | EUR per prevented crossing, fence "
        "amortised | extra cost, full fence capital (EUR M) | EUR per prevented crossing, full fence capital |",
        "|---|---|---|---|---|---|",
    ]

    def per(ratio: Estimate | None) -> str:
        return ratio.fmt(0) if ratio is not None else "n/a: no crossings prevented on average"

    for label in sc.labels:
        if label == baseline:
            continue
        rows = sc.table[sc.table["scenario"] == label].set_index("replicate")
        pairs = rows.index.intersection(base.index)
        paired = rows.loc[pairs]
        prevented = values(base.loc[pairs], col("crossings")) - values(paired, col("crossings"))
        d_cost = values(paired, col("cost_eur")) - values(base.loc[pairs], col("cost_eur"))
        cells = [
            sc.spread(paired, prevented).fmt(0),
            sc.spread(paired, d_cost / 1e6).fmt(2),
            per(price(sc, paired, d_cost, prevented)),
        ]
        if full:

            def charged(t: pd.DataFrame) -> np.ndarray:
                return (
                    values(t, col("cost_eur")) - values(t, col("cost_fence_eur")) + values(t, col("fence_capital_eur"))
                )

            d_full = charged(paired) - charged(base.loc[pairs])
            cells += [sc.spread(paired, d_full / 1e6).fmt(2), per(price(sc, paired, d_full, prevented))]
        else:
            cells += [NOT_RECORDED, NOT_RECORDED]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- the scenarios' definitions ---------------------------------------------------------------------------------


def scenario_configs(sc: Scenarios, sweep_dir: Path | None) -> dict[str, dict]:
    """The config.yaml of each scenario's first readable run ({} where none reads)."""
    groups = dict(tuple(sc.table.groupby("scenario", sort=False)))
    return {label: first_config(groups[label], sweep_dir) for label in sc.labels}


def fence_of(config: dict, country: str) -> str:
    """The fence a run's config puts on a country's line: a per-country option (`fence.poland`), else the barriers
    of the fence rules for that country (with sensors), else `none`."""
    fence = config.get("fence")
    if not isinstance(fence, dict):
        return "?"
    own = fence.get(country)
    if isinstance(own, str):
        return own
    if isinstance(own, dict) and isinstance(own.get("name"), str):
        return own["name"]
    rules = [r for r in fence.get("rules") or [] if isinstance(r, dict) and r.get("country") in (country, None)]
    if not rules:
        return "none"
    parts = []
    for rule in rules:
        text = str(rule.get("barrier", "?")) + (" + sensors" if rule.get("sensors") else "")
        build = rule.get("build")
        if isinstance(build, list) and build:
            text += f" (built over time from {build[0].get('date', '?')})"
        parts.append(text)
    name = fence.get("name")
    return f"{name}: " * isinstance(name, str) + "; ".join(dict.fromkeys(parts))


def ramp_of(config: dict, country: str) -> bool:
    """The config's troop ramp for `country` is on (non-empty)."""
    troops = config.get("troops")
    ramp = troops.get("ramp") if isinstance(troops, dict) else None
    return bool(isinstance(ramp, dict) and ramp.get(country))


def troops_cells(sc: Scenarios, label: str, rows: pd.DataFrame, config: dict, country: Country) -> list[str]:
    """Troops asked for and deployed (mean on the line over the period) in a scenario; the ramp said."""
    asked_col, deployed_col = country.column("troops_asked"), country.column("troops_deployed")
    if asked_col in sc.table:
        asked = f"{np.nanmean(values(rows, asked_col)):,.0f}"
    else:
        troops = config.get("troops")
        level = troops.get(country.key) if isinstance(troops, dict) else None
        asked = f"{level:,.0f}" if isinstance(level, int | float) else "?"
    asked += " (scaled by a ramp)" if ramp_of(config, country.key) else " (constant)" if config else ""
    deployed = sc.spread(rows, values(rows, deployed_col), COUNT).fmt(0) if deployed_col in sc.table else NOT_RECORDED
    return [asked, deployed]


def definitions_table(sc: Scenarios, configs: dict[str, dict]) -> str:
    groups = dict(tuple(sc.table.groupby("scenario", sort=False)))
    runs = runs_per_scenario(sc)
    heads = []
    for c in EU:
        heads += [f"fence on the {c.adjective} line", f"{c.adjective} troops asked", f"{c.adjective} troops deployed"]
    lines = ["| scenario | runs | " + " | ".join(heads) + " |", "|" + "---|" * (len(heads) + 2)]
    for label in sc.labels:
        cells = []
        for c in EU:
            fence_col = f"fence.{c.key}"
            fence = show(groups[label][fence_col].iloc[0]) if fence_col in sc.table else fence_of(configs[label], c.key)
            cells += [fence, *troops_cells(sc, label, groups[label], configs[label], c)]
        lines.append(f"| {label} | {runs[label]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ramp_warnings(sc: Scenarios, configs: dict[str, dict]) -> list[str]:
    """A swept troop level that a ramp scales: what was deployed is not what the scenario label says."""
    out = []
    for c in EU:
        key = f"troops.{c.key}"
        ramped = [label for label in sc.labels if ramp_of(configs[label], c.key)]
        if key not in sc.keys or not ramped:
            continue
        deployed_col = c.column("troops_deployed")
        if deployed_col in sc.table:
            means = sc.table.groupby("scenario", sort=False)[deployed_col].mean()
            got = "; ".join(f"{label}: {means[label]:,.0f}" for label in ramped)
            seen = f"the troops actually on the line (mean over the period) were {got}"
        else:
            seen = f"the troops actually deployed are {NOT_RECORDED}"
        out.append(
            f"{key} is swept but troops.ramp.{c.key} scales it over time in {len(ramped)} of {len(sc.labels)} "
            f"scenarios, so fewer troops were on the line than the level asked for: {seen}. To hold the asked "
            f"level, run the sweep with troops.ramp.{c.key}=[]."
        )
    return out


def period(config: dict, sc: Scenarios) -> str:
    if "days" in sc.keys or "start_date" in sc.keys:
        return "varies by scenario (see the scenarios)"
    start, days = config.get("start_date"), config.get("days")
    if not isinstance(days, int) or start is None:
        return NOT_RECORDED
    try:
        first = dt.date.fromisoformat(str(start))
    except ValueError:
        return f"{days} days from {start}"
    last = first + dt.timedelta(days=days - 1)
    return f"{first:%-d %B %Y} to {last:%-d %B %Y} ({days} days)"


def runs_text(runs: dict[str, int]) -> str:
    low, high = min(runs.values()), max(runs.values())
    return f"{low}" if low == high else f"{low} to {high} (see the scenarios)"


# --- figures ---------------------------------------------------------------------------------------------------------


def daily_by_country(sc: Scenarios, sweep_dir: Path, column: str):
    """A daily.csv column of every finished run, per country (and summed: total) and scenario: arrays runs × days;
    when the runs differ by posterior draw, arrays draws × days (each draw's mean over its seeds). None when no run
    has a daily.csv with that column."""
    series: dict[str, dict[str, list[np.ndarray]]] = {c.key: {} for c in COUNTRIES}
    drawn: dict[str, dict[str, list[str]]] = {c.key: {} for c in COUNTRIES}
    dates = None
    for _, row in sc.table.iterrows():
        path = Path(sweep_dir) / str(int(row["job"])) / "daily.csv"
        if not path.exists():
            continue
        daily = pd.read_csv(path)
        if column not in daily or "country" not in daily:
            continue
        per_day = daily.pivot_table(index="date", columns="country", values=column, aggfunc="sum").sort_index()
        dates = per_day.index if dates is None else dates
        if len(per_day) != len(dates):
            continue
        for c in COUNTRIES:
            got = per_day.sum(axis=1) if c.key == "total" else per_day.get(c.key)
            if got is not None:
                series[c.key].setdefault(row["scenario"], []).append(got.to_numpy(float))
                drawn[c.key].setdefault(row["scenario"], []).append(show(row.get("posterior_draw")))
    if dates is None:
        return None

    def stacked(country: str, label: str, runs: list[np.ndarray]) -> np.ndarray:
        if not sc.draws:
            return np.vstack(runs)
        frame = pd.DataFrame(np.vstack(runs))
        return frame.groupby(np.asarray(drawn[country][label]), sort=True).mean().to_numpy(float)

    return dates, {c: {label: stacked(c, label, runs) for label, runs in s.items()} for c, s in series.items() if s}


def troops_axis(sc: Scenarios, x_key: str, configs: dict[str, dict]) -> tuple[str | None, str]:
    """For a swept troop level: the column of troops actually deployed (None: plot the asked level) and the axis."""
    country = x_key.split(".")[1]
    deployed = f"{country}.troops_deployed"
    adjective = {c.key: c.adjective for c in EU}.get(country, country)
    if deployed in sc.table:
        return deployed, f"{adjective} troops actually on the line (mean over the period; personnel)"
    if any(ramp_of(cfg, country) for cfg in configs.values()):
        return None, f"{adjective} troops asked for (a ramp scaled them; deployed level {NOT_RECORDED})"
    return None, f"{adjective} troops asked for (held constant: no ramp)"


def figures(sc: Scenarios, sweep_dir: Path, out: Path, est: dict | None = None, configs=None) -> list[tuple[str, str]]:
    """Draw the report's figures into `out` (each per country and in total); [(file name, title)]."""
    configs = configs if configs is not None else scenario_configs(sc, sweep_dir)
    made = []
    over = f"mean over {sc.over}"
    numeric = [k for k in sc.keys if pd.api.types.is_numeric_dtype(sc.table[k])]
    if numeric:
        x_key = next((k for k in numeric if k.startswith("troops.") and k.count(".") == 1), numeric[0])
        others = [k for k in sc.keys if k != x_key]
        deployed, xlabel = troops_axis(sc, x_key, configs) if x_key.startswith("troops.") else (None, x_key)
        panels = []
        for c in COUNTRIES:
            if c.column("crossings") not in sc.table:
                continue
            lines = {}
            groups = sc.table.groupby(others, sort=False) if others else [((), sc.table)]
            for name, rows in groups:
                line = label(others, pd.Series(np.atleast_1d(name))) if others else "all scenarios"
                xs = sorted(rows[x_key].unique())
                at = [rows[rows[x_key] == x] for x in xs]
                pos = [
                    float(np.nanmean(values(r, deployed))) if deployed else float(x)
                    for r, x in zip(at, xs, strict=True)
                ]
                lines[line] = (pos, [sc.spread(r, values(r, c.column("crossings")), COUNT) for r in at])
            panels.append((c.name, lines))
        name = f"crossings_vs_{x_key}.png"
        plots.panels_vs_x(
            panels,
            plots.wrap(xlabel, 45),
            "crossings over the period",
            f"Crossings against {x_key}, per country\n{over}, band = {sc.interval}",
            out / name,
        )
        made.append((name, f"Crossings against {x_key}, per country"))
    for column, ylabel, title in (
        ("attempts", "attempts per day", "Daily attempts at the fences per scenario"),
        ("massed", "people massed per day", "People massed at the line per scenario"),
    ):
        daily = daily_by_country(sc, sweep_dir, column)
        if daily is None:
            continue
        dates, by_country = daily
        panels = [(c.name, by_country[c.key]) for c in COUNTRIES if c.key in by_country]
        name = f"daily_{column}.png"
        plots.daily_panels(
            dates,
            panels,
            ylabel,
            f"{title}, per country\n{over}, band = {sc.interval}",
            out / name,
            prediction_interval if sc.draws else mean_ci,
        )
        made.append((name, f"{title}, per country"))
    for m in (CROSSINGS, SHARE_CROSSED, INTERCEPTION, ASYLUM, GAVE_UP, DEATHS, COST):
        panels = [(c.name, list(e.values())) for c in COUNTRIES if (e := estimates(sc, c, m)) is not None]
        if not panels:
            continue
        name = f"{m.column}.png"
        what = m.name[0].upper() + m.name[1:]
        plots.bars(
            sc.labels,
            panels,
            m.name,
            f"{plots.wrap(what, 70)}\nerror bars: {sc.interval if sc.draws else '95% interval over seeds'}",
            out / name,
            m.bounds,
        )
        made.append((name, f"{what} per scenario, per country"))
    return made


def calibration_names(sc: Scenarios, sweep_dir: Path) -> list[str]:
    """The calibration(s) the runs used: the swept `calibration` column, else the first readable run's config."""
    if "calibration" in sc.table:
        return list(dict.fromkeys(sc.table["calibration"].map(show)))
    block = first_config(sc.table, sweep_dir).get("calibration")
    return [block["name"]] if isinstance(block, dict) and isinstance(block.get("name"), str) else ["?"]


def coverage(sc: Scenarios, sweep_dir: Path) -> str:
    """In words, what the intervals cover: the seeds alone (a confidence interval of the mean over seeds), or the
    calibration's posterior draws (a prediction interval over the draws, each averaged over its seeds)."""
    n = sc.table["seed"].nunique()
    seeds = f"{n} seed" + ("s" if n != 1 else "")
    if not sc.draws:
        return f"seeds only ({seeds}); parameter uncertainty not included"
    k = sc.table["posterior_draw"].map(show).nunique()
    names = " and ".join(f"`{name}`" for name in calibration_names(sc, sweep_dir))
    return (
        f"parameter uncertainty: each is a 95% prediction interval over {k} posterior draws of calibration {names} "
        f"(each draw averaged over its {seeds}); it does not narrow as more draws are run"
    )


def reading(sc: Scenarios, sweep_dir: Path, base: str) -> str:
    """The paragraph that says what each number and interval is and how to read an effect."""
    if not sc.draws:
        return (
            f"Each number is the mean over {sc.over} with its 95% confidence interval in brackets: the Student t "
            "interval cut at the measure's own range (counts and costs are never below 0, shares lie between 0 and "
            f"1). Intervals cover {coverage(sc, sweep_dir)}. Effects are differences from the baseline **{base}**, "
            f"paired by {sc.pairing}: scenarios with the same {sc.pairing} receive the same arrivals (common random "
            "numbers), so the paired difference isolates what the scenario changes; a difference may be negative. "
            f"An interval that excludes 0 is a difference the {sc.over} cannot explain. Every table is given for "
            "the Polish line, the Lithuanian line and in total (the total also counts what happens on the "
            "Belarusian side, such as deaths there)."
        )
    k = sc.table["posterior_draw"].map(show).nunique()
    names = " and ".join(f"`{name}`" for name in calibration_names(sc, sweep_dir))
    return (
        f"Each number is the mean over {k} posterior draws of calibration {names} (each draw's runs averaged over "
        "their seeds) with its 95% prediction interval in brackets: the range in which the seed-averaged value "
        "under one more draw from the posterior falls (mean ± t · s · √(1 + 1/K) over the K draws' means, normal "
        "theory), cut at the measure's own range (counts and costs are never below 0, shares lie between 0 and 1). "
        f"Intervals cover {coverage(sc, sweep_dir)}; it is not a confidence interval of the mean. Effects are "
        f"differences from the baseline **{base}**, paired by {sc.pairing}: scenarios with the same {sc.pairing} "
        "receive the same arrivals (common random numbers) and parameters, so the paired difference isolates what "
        "the scenario changes; each draw's differences are averaged over its seeds and the interval is over the "
        "draws; a difference may be negative. An interval that excludes 0 is an effect of the same sign under 95% "
        "of the posterior's parameter values. Every table is given for the Polish line, the Lithuanian line and in "
        "total (the total also counts what happens on the Belarusian side, such as deaths there)."
    )


@dataclass
class Written:
    """What `write_report` wrote, and the warnings it put into the report (also for stderr)."""

    markdown: Path
    html: Path
    warnings: list[str] = field(default_factory=list)


def per_country(render, level: int = 3) -> list[str]:
    """A heading per country (Poland, Lithuania, Total) and what `render(country)` gives for it."""
    parts = []
    for c in COUNTRIES:
        parts += [f"{'#' * level} {c.name}", render(c)]
    return parts


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def write_report(
    sweep_dir: Path, baseline: str | None = None, out: Path | None = None, min_runs: int = MIN_RUNS
) -> Written:
    """Write `report.md`, `report.html` and the figures into `out` (default: the sweep directory, whose summary
    tables are then refreshed; with another `out` the sweep directory is only read). Raises `ReportError` for a
    user mistake and OSError when `out` cannot be written."""
    sweep_dir = Path(sweep_dir)
    out = Path(out) if out else sweep_dir
    out.mkdir(parents=True, exist_ok=True)
    sweep = aggregate(sweep_dir) if out.resolve() == sweep_dir.resolve() else collect(sweep_dir)
    sc = scenarios_of(sweep, sweep_dir)
    warnings: list[str] = []
    configured = default_baseline(sc, sweep_dir)
    if baseline:
        base = pick_baseline(sc, baseline)
    else:
        try:
            base = pick_baseline(sc, configured)
        except ReportError as err:
            base = sc.labels[0]
            warnings.append(
                f"the experiment's baseline ({configured}) is not a scenario of this sweep ({err}); "
                "the first scenario is the baseline instead"
            )
    config = first_config(sc.table, sweep_dir)
    configs = scenario_configs(sc, sweep_dir)
    experiment = config.get("experiment") if isinstance(config.get("experiment"), dict) else {}
    name = str(experiment.get("name") or "").strip()
    question = str(experiment.get("question") or "").strip()
    description = str(experiment.get("description") or "").strip()
    runs = runs_per_scenario(sc)
    # with posterior draws swept, the intervals rest on the draws (the seeds are averaged within each draw)
    few = few_runs(draws_per_scenario(sc) if sc.draws else runs, min_runs)
    if few and sc.draws:
        listed = "; ".join(f"{label}: {n}" for label, n in few.items())
        warnings.append(
            f"{len(few)} of {len(runs)} scenarios have fewer than {min_runs} posterior draws ({listed}): prediction "
            "intervals from so few draws are unreliable (their width rests on the spread of a few draws, and their "
            "coverage on the draws' means being roughly normal). Run more posterior draws before quoting them."
        )
    elif few:
        listed = "; ".join(f"{label}: {n}" for label, n in few.items())
        warnings.append(
            f"{len(few)} of {len(runs)} scenarios have fewer than {min_runs} runs ({listed}): intervals from so few "
            "runs are unreliable (too narrow or too wide, and their coverage rests on the runs being roughly "
            "normal). Run more seeds before quoting them."
        )
    warnings += ramp_warnings(sc, configs)
    made = figures(sc, sweep_dir, out, None, configs)
    seeds = sorted(sc.table["seed"].unique().tolist())
    drawn: list = []
    if sc.draws:
        column = sc.table["posterior_draw"]
        drawn = sorted(column.dropna().unique().tolist()) + (["null"] if column.isna().any() else [])
    days = run_days(sc, config)
    compare = len(sc.labels) > 1
    nothing = "Only one scenario: nothing to compare."
    title = f"{name}: {question}" if name and question else question or name or f"Sweep report: {sweep_dir.name}"
    definitions = [
        f"- `{k}`: {meaning(k)}. Values: {', '.join(dict.fromkeys(show(v) for v in sc.table[k]))}." for k in sc.keys
    ]
    parts = [
        f"# {title}",
        *([description] if description else []),
        f"Sweep directory `{sweep_dir}`: {len(sc.table)} runs finished, {len(sweep.failed)} failed, "
        f"{len(sweep.missing)} missing. Scenarios differ by {', '.join(sc.keys) or 'nothing (one scenario)'}; "
        f"seeds {seeds}" + (f", posterior draws {drawn}." if sc.draws else "."),
        *[f"> **Warning:** {w}" for w in warnings],
        "## The question and how to read the answer",
        "\n".join(
            [
                f"- **Question:** {question or NOT_RECORDED + ' (no experiment question in the config)'}",
                f"- **Experiment:** {name or NOT_RECORDED + ' (folder ' + sweep_dir.name + ')'}",
                f"- **Simulated period:** {period(config, sc)}",
                f"- **Runs per scenario:** {runs_text(runs)}",
                *([f"- **Posterior draws per scenario:** {runs_text(draws_per_scenario(sc))}"] if sc.draws else []),
                f"- **Baseline:** {base}",
                "- **Scenarios** differ by:" if definitions else "- **Scenarios:** one (nothing is swept)",
                *["  " + d for d in definitions],
            ]
        ),
        reading(sc, sweep_dir, base),
        "Two kinds of measure are shown side by side. Person-based: the **share of people who reached the line "
        "and got through** (people who got through / people who tried at least once). Event-based: **apprehensions "
        "per apprehension-or-crossing event** (the interception rate: one person apprehended six times counts six "
        "times). The event rate is not a share of people.",
        "## Scenarios",
        definitions_table(sc, configs),
        f"## Conclusions against the baseline ({base})",
        *(
            per_country(lambda c: "\n".join(f"- {line}" for line in conclusions(sc, base, c)) or NOT_RECORDED)
            if compare
            else [nothing]
        ),
        "## Crossings and interceptions",
        *per_country(lambda c: measure_table(sc, c, BORDER)),
        "## Humanitarian outcomes",
        *per_country(lambda c: measure_table(sc, c, HUMANITARIAN)),
        f"## Effects against the baseline ({base})",
        *(per_country(lambda c: effects_table(sc, base, c)) if compare else [nothing]),
        "## Costs",
        "### Cost assumptions",
        "Every cost below rests on these assumptions (values from the runs' config.yaml; none is a sourced figure):",
        "\n".join(cost_assumptions(config)),
        "### Cost per scenario",
        "Cost over the simulated period and per year (the period's cost x 365 / its days, as if the period went on "
        "all year), in EUR M; the fence's cost is its capital amortised over its lifetime and charged for the "
        "simulated days; `fence capital standing, full` is what the barriers and sensors standing at the end cost "
        "to build.",
        *per_country(lambda c: cost_per_scenario(sc, c, days), 4),
        "### Cost per prevented crossing",
        "Two ways. **Fence amortised**: the extra cost over the baseline during the simulated period, with the fence's "
        f"capital spread over its lifetime so that only the simulated days' share is charged ({amortised_share(config)}"
        "). **Full fence capital**: the same, but with the whole capital of the fence charged at once. "
        "Each is the extra cost divided by the crossings it prevented (ratio of means, "
        + (
            "with a prediction interval over the posterior draws for the ratio one more draw gives, made of the "
            "draws' own ratios: the 2.5% to the 97.5% of them, and with fewer than 39 draws their whole range, "
            "which then holds a new draw's ratio less often than 95%; unbounded above when a draw prevents nothing"
            if sc.draws
            else "bootstrap interval"
        )
        + "); n/a when the scenario prevents no crossings on average.",
        *(per_country(lambda c: cost_table(sc, base, c), 4) if compare else [nothing]),
        "## Figures",
        *[f"![{title}]({name})" for name, title in made],
    ]
    if sweep.failed or sweep.missing or sweep.stale:
        parts.append("## Runs that did not finish")
        parts += [f"- FAILED job {f['job']} `{f['overrides']}`: {f.get('error', '?')}" for f in sweep.failed]
        parts += [f"- MISSING job {m['job']} `{m['overrides']}`: {m['reason']}" for m in sweep.missing]
        parts += [f"- STALE `{s['dir']}` `{s['overrides']}`: {s['reason']}, not included" for s in sweep.stale]
    text = "\n\n".join(parts) + "\n"
    markdown = write_text(out / "report.md", text)
    html = write_html(out / "report.html", text, out, title)
    return Written(markdown, html, warnings)


def report(sweep_dir: Path, baseline: str | None = None, out: Path | None = None, min_runs: int = MIN_RUNS) -> Path:
    """`write_report`, returning the path of `report.md`."""
    return write_report(sweep_dir, baseline, out, min_runs).markdown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("sweep_dir", type=Path)
    parser.add_argument(
        "--baseline",
        help="the scenario to compare against, as key=value[,key=value] (default: the experiment's "
        "`experiment.baseline`, else the first scenario)",
    )
    parser.add_argument("--out", type=Path, help="where to write report.md and figures (default: SWEEP_DIR)")
    parser.add_argument(
        "--min-runs",
        type=int,
        default=MIN_RUNS,
        help=f"warn when a scenario has fewer runs than this, or, when posterior draws are swept, fewer posterior "
        f"draws (default {MIN_RUNS})",
    )
    args = parser.parse_args(argv)
    if not args.sweep_dir.is_dir():
        print(f"error: {args.sweep_dir} is not a directory", file=sys.stderr)
        return 2
    try:
        written = write_report(args.sweep_dir, args.baseline, args.out, args.min_runs)
    except ReportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"error: {cannot_write(err, args.out or args.sweep_dir)}; no report written", file=sys.stderr)
        return 1
    for warning in written.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"wrote {written.markdown}, {written.html.name} and its figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
