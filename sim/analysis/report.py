"""A sweep's comparison report: `python -m sim.report SWEEP_DIR [--baseline fence=none,troops.poland=2000]`.

Writes `report.md` and its PNG figures into the sweep directory (or `--out`): per scenario the mean and 95%
interval over seeds of crossings, attempts, apprehensions, pushbacks, interception rate, deaths and cost; effects
against the baseline scenario (paired by seed); cost per prevented crossing; and plots. A scenario is one
combination of the swept keys other than `seed` and `posterior_draw`: those two are its replicates. When the runs
differ by posterior draw, a scenario's runs are every (seed, posterior draw) pair, effects are paired by both, and
the intervals cover parameter uncertainty as well as the seeds; the report says which it covers.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import plots
from sim.analysis.stats import Estimate, cost_per_prevented, effect, mean_ci
from sim.cli.aggregate import Sweep, aggregate, collect
from sim.cli.io import cannot_write, write_text
from sim.cli.outputs import OverrideError, parse_override, read_config, same_value, split_top_level

#: (column, heading, digits, scale): what the tables show, in order.
METRICS: tuple[tuple[str, str, int, float], ...] = (
    ("crossings", "crossings", 0, 1.0),
    ("attempts", "attempts", 0, 1.0),
    ("apprehensions", "apprehensions", 0, 1.0),
    ("pushbacks", "pushbacks", 0, 1.0),
    ("interception_rate", "interception rate", 3, 1.0),
    ("deaths", "deaths", 1, 1.0),
    ("cost_eur", "cost (EUR M)", 1, 1e-6),
)


#: Swept keys whose values are replicates of a scenario, not scenarios: the seed and the posterior draw.
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


def scenario_table(sc: Scenarios) -> tuple[str, dict[str, dict[str, Estimate]]]:
    est = {
        label: {m: mean_ci(rows[m] * scale) for m, _, _, scale in METRICS}
        for label, rows in sc.table.groupby("scenario", sort=False)
    }
    head = "| scenario | runs | " + " | ".join(h for _, h, _, _ in METRICS) + " |"
    lines = [head, "|" + "---|" * (len(METRICS) + 2)]
    for label in sc.labels:
        cells = [est[label][m].fmt(d) for m, _, d, _ in METRICS]
        lines.append(f"| {label} | {est[label]['crossings'].n} | " + " | ".join(cells) + " |")
    return "\n".join(lines), est


def effects_table(sc: Scenarios, baseline: str) -> str:
    base = sc.table[sc.table["scenario"] == baseline]
    head = "| scenario | " + " | ".join(f"Δ {h}" for _, h, _, _ in METRICS) + " | method |"
    lines = [head, "|" + "---|" * (len(METRICS) + 2)]
    for label in sc.labels:
        if label == baseline:
            continue
        rows = sc.table[sc.table["scenario"] == label]
        cells, method = [], "paired"
        for m, _, d, scale in METRICS:
            e, method = effect(
                rows[m].to_numpy(float) * scale,
                base[m].to_numpy(float) * scale,
                rows["replicate"].to_numpy(),
                base["replicate"].to_numpy(),
            )
            cells.append(e.fmt(d))
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {method} by {sc.pairing} |")
    return "\n".join(lines)


def cost_table(sc: Scenarios, baseline: str) -> str:
    base = sc.table[sc.table["scenario"] == baseline].set_index("replicate")
    lines = [
        "| scenario | crossings prevented | extra cost (EUR M) | EUR per prevented crossing |",
        "|---|---|---|---|",
    ]
    for label in sc.labels:
        if label == baseline:
            continue
        rows = sc.table[sc.table["scenario"] == label].set_index("replicate")
        seeds = rows.index.intersection(base.index)
        prevented = (base.loc[seeds, "crossings"] - rows.loc[seeds, "crossings"]).to_numpy(float)
        d_cost = (rows.loc[seeds, "cost_eur"] - base.loc[seeds, "cost_eur"]).to_numpy(float)
        ratio = cost_per_prevented(d_cost, prevented)
        per = ratio.fmt(0) if ratio is not None else "n/a: no crossings prevented on average"
        lines.append(f"| {label} | {mean_ci(prevented).fmt(0)} | {mean_ci(d_cost / 1e6).fmt(1)} | {per} |")
    return "\n".join(lines)


def daily_attempts(sc: Scenarios, sweep_dir: Path) -> tuple[pd.Index, dict[str, np.ndarray]] | None:
    """Daily attempts (all countries) of every finished run, grouped by scenario: arrays runs × days."""
    series: dict[str, list[np.ndarray]] = {}
    dates = None
    for _, row in sc.table.iterrows():
        path = Path(sweep_dir) / str(int(row["job"])) / "daily.csv"
        if not path.exists():
            continue
        daily = pd.read_csv(path, usecols=["date", "attempts"])
        per_day = daily.groupby("date", sort=True)["attempts"].sum()
        dates = per_day.index if dates is None else dates
        if len(per_day) == len(dates):
            series.setdefault(row["scenario"], []).append(per_day.to_numpy(float))
    if dates is None:
        return None
    return dates, {label: np.vstack(runs) for label, runs in series.items()}


def figures(sc: Scenarios, sweep_dir: Path, out: Path, est: dict) -> list[tuple[str, str]]:
    made = []
    numeric = [k for k in sc.keys if pd.api.types.is_numeric_dtype(sc.table[k])]
    if numeric:
        x_key = next((k for k in numeric if k.startswith("troops.")), numeric[0])
        others = [k for k in sc.keys if k != x_key]
        name = f"crossings_vs_{x_key}.png"
        plots.metric_vs_key(sc.table, x_key, others, "crossings", "crossings over the run (people)", out / name)
        made.append((name, f"Crossings against {x_key}"))
    daily = daily_attempts(sc, sweep_dir)
    if daily is not None:
        dates, series = daily
        plots.daily_series(
            dates,
            series,
            "attempts per day (both borders)",
            f"Daily attempts at the fences per scenario\nmean over {sc.over}, band = 95% confidence interval",
            out / "daily_attempts.png",
        )
        made.append(("daily_attempts.png", "Daily attempts per scenario"))
    plots.bars(
        sc.labels,
        [est[label]["interception_rate"] for label in sc.labels],
        "interception rate = apprehended / (apprehended + crossed)",
        f"Interception rate per scenario\nerror bars: 95% confidence interval over {sc.over}",
        out / "interception_rate.png",
    )
    made.append(("interception_rate.png", "Interception rate per scenario"))
    return made


def calibration_names(sc: Scenarios, sweep_dir: Path) -> list[str]:
    """The calibration(s) the runs used: the swept `calibration` column, else the first readable run's config."""
    if "calibration" in sc.table:
        return list(dict.fromkeys(sc.table["calibration"].map(show)))
    block = first_config(sc.table, sweep_dir).get("calibration")
    return [block["name"]] if isinstance(block, dict) and isinstance(block.get("name"), str) else ["?"]


def coverage(sc: Scenarios, sweep_dir: Path) -> str:
    """In words, what the intervals cover: the seeds alone, or the seeds and the calibration's posterior draws."""
    n = sc.table["seed"].nunique()
    seeds = f"{n} seed" + ("s" if n != 1 else "")
    if not sc.draws:
        return f"seeds only ({seeds}); parameter uncertainty not included"
    k = sc.table["posterior_draw"].map(show).nunique()
    names = " and ".join(f"`{name}`" for name in calibration_names(sc, sweep_dir))
    return f"seeds and posterior draws ({seeds} x {k} draws of calibration {names})"


def report(sweep_dir: Path, baseline: str | None = None, out: Path | None = None) -> Path:
    """Write `report.md` and its figures into `out` (default: the sweep directory, whose summary tables are then
    refreshed; with another `out` the sweep directory is only read). Raises `ReportError` for a user mistake and
    OSError when `out` cannot be written."""
    sweep_dir = Path(sweep_dir)
    out = Path(out) if out else sweep_dir
    out.mkdir(parents=True, exist_ok=True)
    sweep = aggregate(sweep_dir) if out.resolve() == sweep_dir.resolve() else collect(sweep_dir)
    sc = scenarios_of(sweep, sweep_dir)
    if baseline is None:  # the experiment's own (config.yaml `experiment.baseline`; "" or none: the first scenario)
        experiment = first_config(sc.table, sweep_dir).get("experiment")
        baseline = (experiment.get("baseline") or None) if isinstance(experiment, dict) else None
    base = pick_baseline(sc, baseline)
    table, est = scenario_table(sc)
    made = figures(sc, sweep_dir, out, est)
    seeds = sorted(sc.table["seed"].unique().tolist())
    drawn: list = []
    if sc.draws:
        column = sc.table["posterior_draw"]
        drawn = sorted(column.dropna().unique().tolist()) + (["null"] if column.isna().any() else [])
    parts = [
        f"# Sweep report: {sweep_dir.name}",
        f"Sweep directory `{sweep_dir}`: {len(sc.table)} runs finished, {len(sweep.failed)} failed, "
        f"{len(sweep.missing)} missing. Scenarios differ by {', '.join(sc.keys) or 'nothing (one scenario)'}; "
        f"seeds {seeds}" + (f", posterior draws {drawn}." if sc.draws else "."),
        "## How to read this",
        f"Each number is the mean over {sc.over} with its 95% confidence interval in brackets (Student t). "
        f"Intervals cover {coverage(sc, sweep_dir)}. Effects "
        f"are differences from the baseline **{base}**, paired by {sc.pairing}: scenarios with the same "
        f"{sc.pairing} receive the same arrivals (common random numbers)"
        + (" and parameters" if sc.draws else "")
        + ", so the paired difference isolates what the scenario changes. "
        f"An interval that excludes 0 is a difference the {sc.over} cannot explain. Cost per prevented crossing is "
        "the extra cost over the baseline divided by the crossings it prevented (ratio of means, bootstrap "
        "interval); it is n/a when the scenario prevents no crossings. Costs follow the cost assumptions in "
        "docs/ODD.md.",
        "## Scenarios",
        table,
        f"## Effects against the baseline ({base})",
        effects_table(sc, base) if len(sc.labels) > 1 else "Only one scenario: nothing to compare.",
        "## Cost per prevented crossing",
        cost_table(sc, base) if len(sc.labels) > 1 else "Only one scenario: nothing to compare.",
        "## Figures",
        *[f"![{title}]({name})" for name, title in made],
    ]
    if sweep.failed or sweep.missing or sweep.stale:
        parts.append("## Runs that did not finish")
        parts += [f"- FAILED job {f['job']} `{f['overrides']}`: {f.get('error', '?')}" for f in sweep.failed]
        parts += [f"- MISSING job {m['job']} `{m['overrides']}`: {m['reason']}" for m in sweep.missing]
        parts += [f"- STALE `{s['dir']}` `{s['overrides']}`: {s['reason']}, not included" for s in sweep.stale]
    return write_text(out / "report.md", "\n\n".join(parts) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("sweep_dir", type=Path)
    parser.add_argument("--baseline", help="the scenario to compare against, as key=value[,key=value]")
    parser.add_argument("--out", type=Path, help="where to write report.md and figures (default: SWEEP_DIR)")
    args = parser.parse_args(argv)
    if not args.sweep_dir.is_dir():
        print(f"error: {args.sweep_dir} is not a directory", file=sys.stderr)
        return 2
    try:
        path = report(args.sweep_dir, args.baseline, args.out)
    except ReportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"error: {cannot_write(err, args.out or args.sweep_dir)}; no report written", file=sys.stderr)
        return 1
    print(f"wrote {path} and its figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
