"""The model against the sourced record: every figure in `data/border-facts.csv` the model can produce, side by
side with what the historical scenarios simulate over several seeds (`python -m sim.validate`).

Each figure (one row of the CSV) is matched to a model output by its metric (`MEASURES`): the Polish Border
Guard's attempted crossings to `reported_attempts` of Poland, Lithuania's apprehended and prevented entries to
`reported_apprehended` and `reported_prevented`, the 2023 barrier figures to `reported_barrier_detained` and
`reported_barrier_not_caught`, people massed at the line to the `massed` stock, deaths to `deaths` (minimum
counts), and so on. A figure is compared with a scenario when its period lies inside the scenario's run window
(a cumulative figure that starts before the window is compared over the part inside it, and says so). Figures
that are model inputs (lengths, fence and troop figures, dates), about countries the model does not have
(Latvia), outside every window, or in units the model does not produce are listed apart, each with the reason.

Nothing here fits anything: the table shows where the model stands, misses included. `docs/validation.md` is
written by this command; `data/README.md` says which figures are for calibration and which are for checks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from sim.cli.io import cannot_write, write_csv, write_text
from sim.cli.run import config_file_problem
from sim.config import ConfigError, load_config, to_config
from sim.config.fields import parse_date

REPO = Path(__file__).resolve().parents[2]
FACTS = REPO / "data" / "border-facts.csv"
DEFAULT_OUT = REPO / "docs" / "validation.md"
#: The historical scenarios: the default 2021 season and the wall era.
SCENARIOS = ("autumn2021", "year2023")
MIN_SEEDS = 5
#: A summed figure that starts before a run is compared over the run's part only when that is at least this share
#: of its period (a year's total from a June start: yes; a count since 1 Jan to 22 Jun: no).
MIN_PARTIAL = 0.5

#: data/border-facts.csv country codes -> the model's country (`total` for figures over both lines or all sides).
#: Belarus's own counts (BY) are not compared: the model does not tell deaths on the Belarusian side apart.
COUNTRY = {"PL": "poland", "LT": "lithuania", "PL_BY": "poland", "PL_LT_BY": "total"}


@dataclass(frozen=True)
class Measure:
    """How a metric is read from a run's daily table.

    `columns`: daily.csv columns summed together; `country`: a fixed country, or None for the figure's own;
    `how`: `sum` over the figure's period, `day` (the value of its one day), `peak` (the largest daily value in
    the period, for stocks and record days); `note`: what to keep in mind when reading the comparison.
    """

    columns: tuple[str, ...]
    how: str = "sum"
    country: str | None = None
    note: str = ""


_ATTEMPTS = Measure(("reported_attempts",), note="Border Guard definition: events, repeats included")
_LT_APPREHENDED = Measure(("reported_apprehended",), note="people detained inside Lithuania and kept")
_DEATHS = Measure(("deaths",), note="observed figures are minimum counts from monitors")

#: Metric of data/border-facts.csv -> the model output it is compared with.
MEASURES: dict[str, Measure] = {
    "attempted_illegal_crossings_from_BY": _ATTEMPTS,
    "attempted_illegal_crossings_from_BY_cumulative": _ATTEMPTS,
    "attempted_illegal_crossings_from_BY_daily": Measure(("reported_attempts",), how="day"),
    "barrier_crossings_total": Measure(("reported_barrier_detained", "reported_barrier_not_caught")),
    "barrier_crossed_and_detained_prevented": Measure(("reported_barrier_detained",)),
    "barrier_crossed_not_caught_observed": Measure(("reported_barrier_not_caught",)),
    "barrier_crossings_record_day": Measure(
        ("reported_barrier_detained", "reported_barrier_not_caught"), how="peak", note="largest day of the month"
    ),
    "barrier_crossings_record_day_not_caught": Measure(
        ("reported_barrier_not_caught",), how="peak", note="largest day of the month"
    ),
    "migrants_massed_at_Kuznica": Measure(("massed",), how="peak", note="all people massed at the Polish line"),
    "migrants_near_border_in_BY": Measure(("massed",), how="peak", note="all people massed at the Polish line"),
    "migrants_remaining_in_BY": Measure(
        ("in_camps", "massed"), how="day", country="total", note="in camps and massed at both lines"
    ),
    "deaths_reported_by_PL_Border_Guard": _DEATHS,
    "deaths_all_sides": _DEATHS,
    "deaths_reported": _DEATHS,
    "deaths_per_activists": _DEATHS,
    "deaths_per_Grupa_Granica_and_WAM": _DEATHS,
    "deaths_per_activists_both_sides": _DEATHS,
    "deaths_registered_by_BY_border_service": Measure(("deaths",), note="Belarus's count; the model has both sides"),
    "irregular_migrants_apprehended_from_BY": _LT_APPREHENDED,
    "irregular_migrants_apprehended_from_BY_cumulative": _LT_APPREHENDED,
    "irregular_migrants_apprehended_from_BY_daily": Measure(("reported_apprehended",), how="day"),
    "irregular_migrants_entered_from_BY": Measure(("reported_apprehended",), note="people who entered and stayed"),
    "prevented_entries": Measure(("reported_prevented",), note="turned back at the line plus pushbacks"),
    "prevented_entries_daily": Measure(("reported_prevented",), how="day"),
    "prevented_entries_cumulative": Measure(("reported_prevented",)),
}

#: Words in a metric that mark a model input (a figure the scenarios are built from), not an output.
INPUT_WORDS = (
    "length",
    "fence",
    "concertina",
    "height",
    "cost",
    "steel",
    "cameras",
    "electronic_barrier",
    "soldiers",
    "troops",
)
INPUT_METRICS = {"pushback_policy_start"}


@dataclass
class Figure:
    """One row of data/border-facts.csv, read."""

    row: int
    country: str
    metric: str
    start: dt.date | None
    end: dt.date | None
    low: float | None
    high: float | None
    unit: str
    source: str
    note: str
    #: `fit` (a calibration target of the scenario whose window holds it), `check` (held out: compared, never
    #: fitted) or `duplicate` (another row gives the same figure more exactly; not compared). data/README.md.
    use: str = "check"

    @property
    def value_text(self) -> str:
        if self.low is None:
            return ""
        if self.high is not None and self.high != self.low:
            return f"{self.low:,.0f}-{self.high:,.0f}"
        return f"{self.low:,.0f}" if self.low == int(self.low) else f"{self.low:,}"

    @property
    def period(self) -> str:
        if self.start is None:
            return ""
        return str(self.start) if self.end in (None, self.start) else f"{self.start} to {self.end}"


def _date(text: object) -> dt.date | None:
    return dt.date.fromisoformat(str(text)) if isinstance(text, str) and text.strip() else None


def _value(text: object) -> tuple[float | None, float | None]:
    """`"17447"` -> (17447, 17447); `"2000-4000"` -> (2000, 4000); empty -> (None, None)."""
    if not isinstance(text, str) or not text.strip():
        return None, None
    parts = text.strip().split("-") if "-" in text.strip()[1:] else [text.strip()]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return None, None
    return numbers[0], numbers[-1]


def read_figures(path: Path = FACTS) -> list[Figure]:
    """Every row of the sourced record (data/border-facts.csv), with its value range and dates parsed."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    figures = []
    for i, row in table.iterrows():
        low, high = _value(row["value"])
        figures.append(
            Figure(
                row=int(i) + 2,  # the line in the file (1 is the header)
                country=row["country"],
                metric=row["metric"],
                start=_date(row["period_start"]),
                end=_date(row["period_end"]),
                low=low,
                high=high,
                unit=row["unit"],
                source=row["source"],
                note=row["note"],
                use=row.get("use", "check") or "check",
            )
        )
    return figures


def why_not_compared(figure: Figure) -> str | None:
    """Why a figure cannot be compared with any model output (None when it can be, given a run window)."""
    if "DO NOT USE" in figure.note or "CONFLICT" in figure.note:
        return "marked DO NOT USE or CONFLICT in data/"
    if figure.use == "duplicate":
        return "a duplicate of another row, which gives the figure more exactly"
    if figure.metric in INPUT_METRICS or any(word in figure.metric for word in INPUT_WORDS):
        return "a model input (the scenarios are built from it)"
    if figure.country not in COUNTRY:
        return f"country {figure.country} is not in the model"
    if figure.metric not in MEASURES:
        return "no model output measures this"
    if figure.low is None or figure.start is None:
        return "no value or no period"
    if figure.end is None:
        return "no end to its period (a count since a date, to an unknown day)"
    return None


@dataclass
class Window:
    """A scenario's run: its name, first and last simulated day."""

    scenario: str
    start: dt.date
    end: dt.date

    def covers(self, figure: Figure) -> str | None:
        """`full` when the figure's period lies inside the run, `partial` when a summed figure (a cumulative count,
        a year's total) starts before the run and ends inside it with at least half of its period inside the run
        (`MIN_PARTIAL`), None otherwise."""
        assert figure.start is not None and figure.end is not None
        if self.start <= figure.start and figure.end <= self.end:
            return "full"
        summed = MEASURES[figure.metric].how == "sum"
        if summed and figure.start < self.start <= figure.end <= self.end:
            inside = (figure.end - self.start).days + 1
            if inside >= MIN_PARTIAL * ((figure.end - figure.start).days + 1):
                return "partial"  # a count since a date before the run (cumulative, a year): the run's part of it
        return None


def measure(daily: pd.DataFrame, figure: Figure, window: Window) -> float:
    """The model's value of `figure` in one run's daily table (daily.csv: one row per day x country)."""
    how = MEASURES[figure.metric]
    country = how.country or COUNTRY[figure.country]
    assert figure.start is not None and figure.end is not None
    first = max(figure.start, window.start)
    dates = pd.to_datetime(daily["date"]).dt.date
    rows = daily[(dates >= first) & (dates <= figure.end)]
    if country != "total":
        rows = rows[rows["country"] == country]
    per_day = rows.groupby("date")[list(how.columns)].sum().sum(axis=1)
    if how.how == "sum":
        return float(per_day.sum())
    if how.how == "peak":
        return float(per_day.max()) if len(per_day) else float("nan")
    return float(per_day.iloc[-1]) if len(per_day) else float("nan")  # "day": the period's (last) day


def run_daily(scenario: str, seed: int, overrides: Sequence[str]) -> pd.DataFrame:
    """One run of `scenario` with `seed`, in this process: its daily table."""
    from sim.core.model import BorderModel

    cfg = load_config([f"scenario={scenario}", f"seed={seed}", "progress=false", *overrides])
    return BorderModel(cfg).run(progress=False).daily


def window_of(scenario: str, overrides: Sequence[str]) -> Window:
    cfg = to_config(load_config([f"scenario={scenario}", *overrides]))
    start = parse_date(cfg.start_date, "start_date")
    return Window(scenario, start, start + dt.timedelta(days=cfg.days - 1))


def compare(
    figures: list[Figure], runs: dict[str, list[pd.DataFrame]], windows: dict[str, Window]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(compared, set apart): one row per figure and scenario it falls in, with the simulated mean, min and max
    over the seeds; and one row per figure compared with no scenario, with the reason."""
    compared, apart = [], []
    for figure in figures:
        reason = why_not_compared(figure)
        matched = False
        if reason is None:
            for scenario, window in windows.items():
                coverage = window.covers(figure)
                if coverage is None:
                    continue
                matched = True
                values = np.array([measure(daily, figure, window) for daily in runs[scenario]])
                mean = float(values.mean())
                mid = (figure.low + figure.high) / 2 if figure.high is not None else figure.low
                inside = figure.low <= mean <= (figure.high if figure.high is not None else figure.low)
                notes = [MEASURES[figure.metric].note] if MEASURES[figure.metric].note else []
                if coverage == "partial":
                    notes.append(f"the run starts {window.start}; the figure counts from {figure.start}")
                compared.append(
                    {
                        "scenario": scenario,
                        "country": figure.country,
                        "metric": figure.metric,
                        "period": figure.period,
                        "observed": figure.value_text,
                        "simulated_mean": mean,
                        "simulated_min": float(values.min()),
                        "simulated_max": float(values.max()),
                        "ratio": mean / mid if mid else float("nan"),
                        "observed_in_sim_range": bool(
                            values.min() <= (figure.high if figure.high is not None else figure.low)
                            and figure.low <= values.max()
                        ),
                        "mean_matches_observed": inside,
                        "seeds": len(values),
                        "data_row": figure.row,
                        "note": "; ".join(notes),
                    }
                )
            if not matched:
                reason = "outside the scenarios' run windows"
        if reason is not None:
            apart.append(
                {
                    "country": figure.country,
                    "metric": figure.metric,
                    "period": figure.period,
                    "observed": figure.value_text,
                    "unit": figure.unit,
                    "data_row": figure.row,
                    "why": reason,
                }
            )
    return pd.DataFrame(compared), pd.DataFrame(apart)


def _number(x: float) -> str:
    if np.isnan(x):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.2f}"


def markdown(compared: pd.DataFrame, apart: pd.DataFrame, windows: dict[str, Window], seeds: int, argv: str) -> str:
    """docs/validation.md: how it was made, then per scenario every comparable figure side by side."""
    lines = [
        "# Validation: the model against the sourced record",
        "",
        f"Written by `{f'python -m sim.validate {argv}'.strip()}` on {dt.date.today()}; do not edit by hand.",
        "",
        f"Every figure of `data/border-facts.csv` the model can produce, against {seeds} seeds of each historical "
        "scenario (simulated mean and the range over seeds). Ratio = simulated mean / observed (the middle of an "
        "observed range). *in range* says whether the observed value lies within the simulated range over seeds. "
        "Parameters are assumptions, not fitted (see docs/ODD.md 8.1): this shows where the model stands, "
        "misses included.",
        "",
    ]
    for scenario, window in windows.items():
        rows = compared[compared["scenario"] == scenario] if len(compared) else compared
        lines += [f"## `{scenario}` ({window.start} to {window.end})", ""]
        if not len(rows):
            lines += ["No figure of data/ falls in this run's window.", ""]
            continue
        lines += [
            "| country | figure | period | observed | simulated mean | min-max over seeds | ratio | in range | note |",
            "|---|---|---|---:|---:|---:|---:|---|---|",
        ]
        for _, r in rows.iterrows():
            lines.append(
                f"| {r['country']} | {r['metric']} | {r['period']} | {r['observed']} | {_number(r['simulated_mean'])}"
                f" | {_number(r['simulated_min'])}-{_number(r['simulated_max'])} | {_number(r['ratio'])} | "
                f"{'yes' if r['observed_in_sim_range'] else 'no'} | {r['note']} |"
            )
        covered = int(rows["observed_in_sim_range"].sum())
        lines += ["", f"{covered} of {len(rows)} observed values lie within the simulated range over seeds.", ""]
        misses = rows.assign(miss=np.abs(np.log(rows["ratio"].clip(lower=1e-9)))).sort_values("miss", ascending=False)
        worst = [
            f"{r['country']} {r['metric']} {r['period']} ({_number(r['ratio'])}x)" for _, r in misses.head(3).iterrows()
        ]
        lines += [f"Largest misses (simulated / observed): {'; '.join(worst)}.", ""]
    lines += [
        "## Figures not compared",
        "",
        "| country | figure | period | value | why |",
        "|---|---|---|---:|---|",
    ]
    for _, r in apart.iterrows():
        lines.append(f"| {r['country']} | {r['metric']} | {r['period']} | {r['observed']} | {r['why']} |")
    return "\n".join(lines) + "\n"


def validate(
    scenarios: Sequence[str] = SCENARIOS,
    seeds: int = MIN_SEEDS,
    overrides: Sequence[str] = (),
    jobs: int = -1,
    facts: Path = FACTS,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Window]]:
    """Run every scenario with seeds 0..seeds-1 (in parallel processes) and compare with the record."""
    windows = {s: window_of(s, overrides) for s in scenarios}
    tasks = [(s, seed) for s in scenarios for seed in range(seeds)]
    tables = Parallel(n_jobs=jobs)(delayed(run_daily)(s, seed, tuple(overrides)) for s, seed in tasks)
    runs: dict[str, list[pd.DataFrame]] = {s: [] for s in scenarios}
    for (s, _), table in zip(tasks, tables, strict=True):
        runs[s].append(table)
    compared, apart = compare(read_figures(facts), runs, windows)
    return compared, apart, windows


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m sim.validate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), help="historical scenarios to run")
    parser.add_argument("--seeds", type=int, default=MIN_SEEDS, help=f"seeds per scenario (default {MIN_SEEDS})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the markdown table (a .csv goes beside it)")
    parser.add_argument("--jobs", type=int, default=-1, help="worker processes (default: all cores)")
    parser.add_argument("overrides", nargs="*", help="config overrides applied to every run (key=value)")
    args = parser.parse_args(args_list)
    if args.seeds < 1:
        print("error: --seeds must be at least 1", file=sys.stderr)
        return 2
    if args.seeds < MIN_SEEDS:
        print(f"warning: {args.seeds} seeds; the table is meant for at least {MIN_SEEDS}", file=sys.stderr)
    try:
        compared, apart, windows = validate(args.scenarios, args.seeds, args.overrides, args.jobs)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # a composition error (an unknown scenario), in one line as `sim.run` gives it
        problem = config_file_problem(err)
        if problem is None:
            raise
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        write_text(args.out, markdown(compared, apart, windows, args.seeds, " ".join(args_list)))
        write_csv(args.out.with_suffix(".csv"), pd.concat([compared, apart], ignore_index=True))
    except OSError as err:
        print(f"error: {cannot_write(err, args.out)}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} and {args.out.with_suffix('.csv')}: {len(compared)} comparisons, {len(apart)} set apart")
    return 0


if __name__ == "__main__":
    sys.exit(main())
