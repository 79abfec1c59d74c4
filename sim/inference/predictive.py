"""The posterior predictive check: what a calibration's parameter draws simulate, against the sourced record.

`posterior_predictive` runs each of `n_draws` posterior draws (rows of a calibration's `draws.parquet`, equally
weighted) with each of `seeds` seeds, in worker processes (each holds one `Simulator`), and measures every
comparable figure of the scenario. Without draws (`draws=None`) it runs the assumption values with the seeds
only. `summarise` turns the runs into one row per figure: the observed value (or range), the median and the 50%
and 90% intervals of the simulated values over draws x seeds, the relative error of the median, and whether each
interval covers the observed value. An observed range is covered when the interval overlaps it; a minimum count
(deaths from monitors) when the interval reaches at least the count. A monthly series of one country and metric
with at least `MIN_SERIES` consecutive whole months also gets its MASE: the mean absolute error of the monthly
medians over the mean absolute month-to-month change of the observed series (the in-sample naive one-step
forecast), one number per series; below 1 the median tracks the months better than "same as last month" does.

`predictive_check` is a calibration's own check: the predictive table of its scenario (`predictive.csv`) and the
monthly series with their bands (`predictive_series.png`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from sim.analysis.plots import monthly_bands
from sim.analysis.validate import COUNTRY, MEASURES
from sim.cli.io import write_csv
from sim.inference.parameters import apply
from sim.inference.simulate import quiet_model, shared_simulator
from sim.inference.targets import DailyRecord, Target, measure_all, window_for

#: Quantiles of the summary: the 90% and 50% central intervals and the median.
QUANTILES = {"q05": 0.05, "q25": 0.25, "median": 0.5, "q75": 0.75, "q95": 0.95}
#: A monthly series gets a MASE from this many consecutive whole months.
MIN_SERIES = 3
#: Monthly series drawn with their bands, where a scenario has figures of them: (country, metric) -> y label.
PLOTTED = {
    ("PL", "attempted_illegal_crossings_from_BY"): "Polish attempted crossings\nper month (Border Guard)",
    ("LT", "irregular_migrants_apprehended_from_BY"): "Lithuanian apprehensions\nper month",
}
#: Both uses a validation compares.
USES = ("fit", "check")


def read_draws(draws: Path | pd.DataFrame | None, n_draws: int) -> list[dict[str, float]]:
    """Up to `n_draws` parameter sets from a calibration's draws (a `draws.parquet` path or its table), spread
    evenly over its rows in `draw` order; `[{}]` (the assumption values) when `draws` is None.

    Raises ValueError naming the file when the table has no `draw` column, no key column or a non-number."""
    if draws is None:
        return [{}]
    where = str(draws) if isinstance(draws, Path | str) else "the draws table"
    table = pd.read_parquet(draws) if isinstance(draws, Path | str) else draws
    if "draw" not in table.columns or len(table.columns) < 2 or not len(table):
        raise ValueError(f"{where}: needs a `draw` column, one column per config key and at least one row")
    keys = [c for c in table.columns if c != "draw"]
    bad = [k for k in keys if not pd.api.types.is_numeric_dtype(table[k]) or table[k].isna().any()]
    if bad:
        raise ValueError(f"{where}: column {bad[0]} is not all numbers")
    table = table.sort_values("draw")
    chosen = np.unique(np.round(np.linspace(0, len(table) - 1, min(n_draws, len(table)))).astype(int))
    return [{k: float(table[k].iloc[i]) for k in keys} | {"draw": int(table["draw"].iloc[i])} for i in chosen]


def run_values(values: Mapping[str, float]) -> dict[str, float]:
    """A draw's parameter values without its `draw` number."""
    return {k: v for k, v in values.items() if k != "draw"}


def check_draws(
    draws: Path | pd.DataFrame | None,
    scenario: str,
    n_draws: int,
    overrides: Sequence[str] = (),
    uses: Sequence[str] = USES,
) -> list[dict[str, float]]:
    """`read_draws`, each applied to `scenario`'s config (with `overrides`) to check it, without running anything.

    Raises `sim.config.ConfigError` (a bad override, a value outside a key's range), KeyError or TypeError (a
    column that is no numeric config key) or ValueError (an unreadable draws table)."""
    sim = shared_simulator(scenario, tuple(overrides), tuple(uses))
    parameter_sets = read_draws(draws, n_draws)
    for values in parameter_sets:
        apply(sim.base, run_values(values))
    return parameter_sets


def monthly(daily: pd.DataFrame, start: dt.date) -> dict[tuple[str, str], pd.Series]:
    """The `PLOTTED` series of one run: per (country, metric), the sum per calendar month (indexed by its first
    day), for the months the run has every day of."""
    record = DailyRecord(daily)
    days = pd.date_range(start, periods=record.days, freq="D")
    out = {}
    for country, metric in PLOTTED:
        per_day = record.series(COUNTRY[country], MEASURES[metric].columns)
        grouped = pd.Series(per_day, index=days).groupby(days.to_period("M"))
        sums, counts = grouped.sum(), grouped.size()
        whole = [p for p in sums.index if counts[p] == p.days_in_month]  # months the run has every day of
        out[country, metric] = pd.Series(sums[whole].to_numpy(), index=[p.start_time.date() for p in whole])
    return out


def _one(
    scenario: str, overrides: tuple[str, ...], uses: tuple[str, ...], values: dict[str, float], seed: int
) -> tuple[np.ndarray, dict[tuple[str, str], pd.Series]]:
    sim = shared_simulator(scenario, overrides, uses)
    with quiet_model():  # in a worker process: the main process said the warning once
        daily = sim.daily(values, seed)
    start = dt.date.fromisoformat(sim.base.start_date)
    return measure_all(daily, sim.targets), monthly(daily, start)


@dataclass
class Predictive:
    """The runs of one scenario: `runs` (one row per target, draw and seed: `scenario`, `target`, `data_row`,
    `use`, `draw`, `seed`, `simulated`), `months` (the plotted monthly series: `country`, `metric`, `month`, `draw`,
    `seed`, `simulated`), the `targets` measured, the run's first and last day, and how many draws (0: the
    assumption values) and seeds it ran."""

    scenario: str
    targets: list[Target]
    runs: pd.DataFrame
    months: pd.DataFrame
    start: dt.date
    end: dt.date
    draws: int
    seeds: int

    def summary(self, uses: Sequence[str] = USES) -> pd.DataFrame:
        """`summarise` over the targets of `uses`."""
        chosen = [t for t in self.targets if t.use in uses]
        return summarise(self.runs, chosen)


def posterior_predictive(
    draws: Path | pd.DataFrame | None,
    scenario: str,
    n_draws: int = 20,
    seeds: int | Sequence[int] = 2,
    uses: Sequence[str] = USES,
    overrides: Sequence[str] = (),
    jobs: int = -1,
) -> Predictive:
    """Run `n_draws` draws (None: the assumption values) x `seeds` (a count: seeds 0..seeds-1) of `scenario` in
    worker processes (`jobs`, all cores by default) and measure its figures of `uses`.

    Raises `sim.config.ConfigError` (a bad override, a draw outside a key's range), KeyError (a draw's column that
    is no config key) or ValueError (an unreadable draws table) before any run starts."""
    seed_list = list(range(seeds)) if isinstance(seeds, int) else list(seeds)
    overrides, uses = tuple(overrides), tuple(uses)
    parameter_sets = check_draws(draws, scenario, n_draws, overrides, uses)
    sim = shared_simulator(scenario, overrides, uses)
    tasks = [(values, seed) for values in parameter_sets for seed in seed_list]
    with quiet_model(sim.base):
        results = Parallel(n_jobs=jobs)(
            delayed(_one)(scenario, overrides, uses, run_values(values), seed) for values, seed in tasks
        )
    rows, months = [], []
    for (values, seed), (measured, series) in zip(tasks, results, strict=True):
        draw = values.get("draw", -1)
        for target, value in zip(sim.targets, measured, strict=True):
            rows.append(
                {
                    "scenario": scenario,
                    "target": target.name,
                    "data_row": target.figure.row,
                    "use": target.use,
                    "draw": draw,
                    "seed": seed,
                    "simulated": float(value),
                }
            )
        for (country, metric), sums in series.items():
            for month, value in sums.items():
                months.append(
                    {
                        "country": country,
                        "metric": metric,
                        "month": month,
                        "draw": draw,
                        "seed": seed,
                        "simulated": float(value),
                    }
                )
    window = window_for(sim.base.start_date, sim.base.days, scenario)
    columns = ["scenario", "target", "data_row", "use", "draw", "seed", "simulated"]
    return Predictive(
        scenario,
        list(sim.targets),
        pd.DataFrame(rows, columns=columns),
        pd.DataFrame(months, columns=["country", "metric", "month", "draw", "seed", "simulated"]),
        window.start,
        window.end,
        len(parameter_sets) if draws is not None else 0,
        len(seed_list),
    )


def whole_month(target: Target) -> dt.date | None:
    """The first day of the calendar month `target`'s period is, or None when it is not exactly one month."""
    start, end = target.figure.start, target.figure.end
    if start is None or end is None or start.day != 1 or MEASURES[target.figure.metric].how != "sum":
        return None
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start if end == following - dt.timedelta(days=1) else None


def monthly_series(chosen: Sequence[Target]) -> list[list[int]]:
    """Indices into `chosen` of each monthly series: figures of one scenario, country and metric, each exactly a
    calendar month, in month order, split where a month is missing; only series of at least `MIN_SERIES` months.
    When two figures give the same month, the first (in file order) is taken."""
    groups: dict[tuple[str, str, str], dict[dt.date, int]] = {}
    for i, t in enumerate(chosen):
        month = whole_month(t)
        if month is not None:
            groups.setdefault((t.scenario, *t.group), {}).setdefault(month, i)
    series = []
    for months in groups.values():
        run: list[int] = []
        previous = None
        for month in sorted(months):
            if previous is not None and (month.year * 12 + month.month) - (previous.year * 12 + previous.month) != 1:
                if len(run) >= MIN_SERIES:
                    series.append(run)
                run = []
            run.append(months[month])
            previous = month
        if len(run) >= MIN_SERIES:
            series.append(run)
    return series


def mase(median: Sequence[float], observed: Sequence[float]) -> float:
    """Mean |median_t - observed_t| over the mean |observed_t - observed_t-1| (in-sample naive one-step forecast);
    NaN for fewer than 2 months or a flat observed series."""
    m, o = np.asarray(median, dtype=float), np.asarray(observed, dtype=float)
    if len(o) < 2:
        return float("nan")
    naive = np.mean(np.abs(np.diff(o)))
    return float(np.mean(np.abs(m - o)) / naive) if naive > 0 else float("nan")


def covers(low: float, high: float, target: Target) -> bool:
    """Whether the interval [low, high] covers `target`'s observed value: holds it, overlaps its range, or for a
    minimum count reaches at least the count."""
    lo = float(target.figure.low)  # type: ignore[arg-type]
    hi = float(target.figure.high if target.figure.high is not None else lo)
    if target.minimum:
        return bool(high >= lo)
    return bool(low <= hi and lo <= high)


def summarise(runs: pd.DataFrame, chosen: Sequence[Target]) -> pd.DataFrame:
    """One row per target of `chosen`: observed, the quantiles of its simulated values in `runs` (columns
    `target`, `simulated`; NaN values left out), relative error of the median, coverage of the 50% and 90%
    intervals, and the MASE of its monthly series (the same number on each month of a series; NaN elsewhere)."""
    values = {name: group["simulated"].dropna().to_numpy() for name, group in runs.groupby("target", sort=False)}
    rows = []
    for t in chosen:
        sims = values.get(t.name, np.array([]))
        q = dict(zip(QUANTILES, np.quantile(sims, list(QUANTILES.values())), strict=True)) if len(sims) else {}
        q = {k: float(q.get(k, np.nan)) for k in QUANTILES}
        observed = t.observed
        notes = [MEASURES[t.figure.metric].note] if MEASURES[t.figure.metric].note else []
        if t.minimum:
            notes.append("covered when the interval reaches the count; error against the count")
        if t.coverage == "partial":
            notes.append(f"the run starts {t.window.start}; the figure counts from {t.figure.start}")
        rows.append(
            {
                "scenario": t.scenario,
                "use": t.use,
                "country": t.figure.country,
                "metric": t.figure.metric,
                "period": t.figure.period,
                "observed": t.figure.value_text,
                "observed_low": float(t.figure.low),  # type: ignore[arg-type]
                "observed_high": float(t.figure.high if t.figure.high is not None else t.figure.low),  # type: ignore[arg-type]
                "minimum": t.minimum,
                "runs": len(sims),
                **q,
                "relative_error": (q["median"] - observed) / observed if observed else float("nan"),
                "in_50": covers(q["q25"], q["q75"], t) if len(sims) else False,
                "in_90": covers(q["q05"], q["q95"], t) if len(sims) else False,
                "mase": float("nan"),
                "series": "",
                "data_row": t.figure.row,
                "target": t.name,
                "note": "; ".join(notes),
            }
        )
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    for members in monthly_series(chosen):
        months = [whole_month(chosen[i]) for i in members]
        first, last = months[0], months[-1]
        label = f"{chosen[members[0]].figure.country} {chosen[members[0]].figure.metric} {first:%Y-%m} to {last:%Y-%m}"
        score = mase(table.loc[members, "median"], [chosen[i].observed for i in members])
        table.loc[members, "mase"] = score
        table.loc[members, "series"] = label
    return table


SUMMARY_COLUMNS = [
    "scenario",
    "use",
    "country",
    "metric",
    "period",
    "observed",
    "observed_low",
    "observed_high",
    "minimum",
    "runs",
    *QUANTILES,
    "relative_error",
    "in_50",
    "in_90",
    "mase",
    "series",
    "data_row",
    "target",
    "note",
]


def coverage(summary: pd.DataFrame, column: str = "in_90") -> str:
    """`7 of 15 (47%)`: how many figures of `summary` the interval covers."""
    n, k = len(summary), int(summary[column].sum()) if len(summary) else 0
    return f"{k} of {n} ({k / n:.0%})" if n else "0 of 0"


def series_mase(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per monthly series of `summary`: its label, number of months and MASE."""
    rows = summary[summary["series"] != ""]
    return (
        rows.groupby("series", sort=False)
        .agg(months=("series", "size"), mase=("mase", "first"))
        .reset_index()
        .astype({"months": int})
    )


def panels(result: Predictive) -> list[dict]:
    """The `PLOTTED` series of `result` that have figures in its scenario, as `monthly_bands` draws them: all
    months of the run (draws x seeds each), and each observed figure of a month (whole or part of one)."""
    out = []
    for (country, metric), label in PLOTTED.items():
        points = []
        for t in result.targets:
            start, end = t.figure.start, t.figure.end
            if (t.figure.country, t.figure.metric) != (country, metric) or start is None or end is None:
                continue
            if (start.year, start.month) != (end.year, end.month):
                continue
            lo = float(t.figure.low)  # type: ignore[arg-type]
            hi = float(t.figure.high if t.figure.high is not None else lo)
            points.append((start.replace(day=1), lo, hi, whole_month(t) is not None))
        sims = result.months[(result.months["country"] == country) & (result.months["metric"] == metric)]
        if not points or not len(sims):
            continue
        wide = sims.pivot_table(index=["draw", "seed"], columns="month", values="simulated")
        out.append({"label": label, "months": list(wide.columns), "runs": wide.to_numpy(), "observed": points})
    return out


def plot(result: Predictive, title: str, path: Path) -> Path | None:
    """`monthly_bands` of `result` into `path` (None when the scenario has no monthly figure to draw)."""
    drawn = panels(result)
    if not drawn:
        return None
    return monthly_bands(drawn, title, path)


def predictive_check(
    draws_path: Path,
    scenario: str,
    out_dir: Path,
    n_draws: int = 20,
    seeds: int | Sequence[int] = 2,
    overrides: Sequence[str] = (),
    jobs: int = -1,
) -> pd.DataFrame:
    """A calibration's own posterior predictive check: `predictive.csv` (every fitted and held-out figure of
    `scenario`) and `predictive_series.png` (the monthly series with their bands) in `out_dir`. Returns the table."""
    result = posterior_predictive(draws_path, scenario, n_draws, seeds, USES, overrides, jobs)
    table = result.summary()
    out_dir = Path(out_dir)
    write_csv(out_dir / "predictive.csv", table)
    title = f"{scenario}: {result.draws} posterior draws x {result.seeds} seeds ({Path(draws_path).parent.name})"
    plot(result, title, out_dir / "predictive_series.png")
    return table
