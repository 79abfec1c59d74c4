"""`python -m sim.validate`: each calibration's posterior predictive against every comparable figure of
`data/border-facts.csv`, on both historical scenarios.

For a calibration (`calibration/<name>/draws.parquet`, fitted to the scenario its name's year gives: `fit2021` to
`autumn2021`, `fit2023` to `year2023`) the command runs `--draws` of its posterior draws x `--seeds` seeds of
each scenario and reports three sections: (a) the fitted figures (use=fit in the fitted scenario), (b) the figures
held out within the fitted period (use=check there), (c) the held-out regime (every comparable figure of the other
scenario). `none` runs the assumption values with seeds only, one section per scenario. Each section has the
side-by-side table (observed, median, 50% and 90% intervals over draws x seeds, relative error of the median,
whether the 90% interval covers the observed value, MASE per monthly series) and the coverage of its 90% and 50%
intervals; a list names every figure the 90% interval misses. The same goes to the console, to
`docs/validation.md` and `docs/validation.csv`, with one PNG per calibration and scenario of the monthly series
and their bands in `docs/validation/`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.validate import FACTS, REPO, SCENARIOS, Window, read_figures, set_apart
from sim.cli.io import cannot_write, write_csv, write_text
from sim.cli.run import config_file_problem
from sim.config import ConfigError
from sim.inference.predictive import USES, Predictive, check_draws, coverage, plot, posterior_predictive, series_mase
from sim.inference.simulate import quiet_model, shared_simulator

DEFAULT_OUT = REPO / "docs" / "validation.md"
CALIBRATIONS = REPO / "calibration"
#: Draws per calibration and seeds per draw; `none` (no draws) runs `SEEDS_ALONE` seeds.
DRAWS, SEEDS_PER_DRAW, SEEDS_ALONE = 20, 2, 10
#: Intervals from fewer runs (draws x seeds) per scenario than this are rough: the command warns.
MIN_RUNS = 10
#: The year of a fit -> its scenario (from summary.json, or the year in a calibration's name).
FITTED_TO = {"2021": "autumn2021", "2023": "year2023"}
NONE = "none"


@dataclass
class Calibration:
    """A calibration to check: its name, its draws (None for `none`) and the scenario it was fitted to."""

    name: str
    draws: Path | None
    fitted: str | None


@dataclass
class Section:
    """One table of the report: which figures of which scenario's runs."""

    calibration: str
    key: str
    title: str
    scenario: str
    uses: tuple[str, ...]
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)


def available(root: Path = CALIBRATIONS) -> list[str]:
    """Names of the calibrations shipped in `root` (those with a draws.parquet), sorted."""
    return sorted(p.parent.name for p in root.glob("*/draws.parquet"))


def resolve(name: str, root: Path = CALIBRATIONS) -> Calibration:
    """`none`, a name under `root` or a directory holding draws.parquet. Raises ValueError naming the problem."""
    if name == NONE:
        return Calibration(NONE, None, None)
    folder = Path(name) if ("/" in name or Path(name).is_dir()) and not (root / name).is_dir() else root / name
    draws = folder / "draws.parquet"
    if not draws.is_file():
        shipped = ", ".join([*available(root), NONE])
        raise ValueError(f"--calibrations {name}: no {draws} (available: {shipped})")
    return Calibration(folder.name, draws, fitted_scenario(folder, name))


def fitted_scenario(folder: Path, name: str) -> str:
    """The scenario a calibration was fitted to: `scenario` in the summary.json `sim.calibrate` writes beside its
    draws, else the year in the folder's name (`fit2023` -> year2023). Raises ValueError when neither tells."""
    summary = folder / "summary.json"
    if summary.is_file():
        try:
            scenario = json.loads(summary.read_text(encoding="utf-8")).get("scenario")
        except (OSError, ValueError) as err:
            raise ValueError(f"--calibrations {name}: cannot read {summary} ({err})") from None
        if isinstance(scenario, str) and scenario in FITTED_TO.values():
            return scenario
    years = [y for y in re.findall(r"(20\d\d)", folder.name) if y in FITTED_TO]
    if len(set(years)) != 1:
        raise ValueError(
            f"--calibrations {name}: cannot tell the scenario it was fitted to (no summary.json naming one of "
            f"{', '.join(FITTED_TO.values())}, and its name holds none of {', '.join(FITTED_TO)})"
        )
    return FITTED_TO[years[0]]


def sections(calibration: Calibration, scenarios: Sequence[str]) -> list[Section]:
    """The report's tables for one calibration: fitted, held out in the fitted period, the held-out regime."""
    name = calibration.name
    if calibration.fitted is None:
        return [Section(name, "assumption values", "Assumption values", s, USES) for s in scenarios]
    fitted = calibration.fitted
    out = []
    if fitted in scenarios:
        out.append(Section(name, "fitted", "Fitted figures", fitted, ("fit",)))
        out.append(
            Section(name, "held out in the fitted period", "Held out within the fitted period", fitted, ("check",))
        )
    for other in scenarios:
        if other != fitted:
            out.append(Section(name, "held-out regime", "The held-out regime", other, USES))
    return out


def _number(x: float) -> str:
    if np.isnan(x):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.2f}"


def _percent(x: float) -> str:
    return "n/a" if np.isnan(x) else f"{x:+.0%}"


def table_lines(summary: pd.DataFrame) -> list[str]:
    """The side-by-side markdown table of one section."""
    lines = [
        "| use | country | figure | period | observed | median | 50% interval | 90% interval | rel. error | in 90% |"
        " MASE | note |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for _, r in summary.iterrows():
        observed = f"≥ {r['observed']}" if r["minimum"] else r["observed"]
        lines.append(
            f"| {r['use']} | {r['country']} | {r['metric']} | {r['period']} | {observed} | {_number(r['median'])} | "
            f"{_number(r['q25'])}-{_number(r['q75'])} | {_number(r['q05'])}-{_number(r['q95'])} | "
            f"{_percent(r['relative_error'])} | {'yes' if r['in_90'] else 'no'} | "
            f"{'' if np.isnan(r['mase']) else format(r['mase'], '.2f')} | {r['note']} |"
        )
    return lines


def section_lines(section: Section, window: Window, image: str | None) -> list[str]:
    """One section: heading, the plot of its scenario (the first section of it), the table, coverage, MASE."""
    what = "every comparable figure" if section.uses == USES else f"use={'/'.join(section.uses)}"
    lines = [f"### {section.title}: `{section.scenario}` ({window.start} to {window.end}), {what}", ""]
    if image:
        lines += [f"![{section.calibration}: monthly series of {section.scenario}]({image})", ""]
    summary = section.summary
    if not len(summary):
        return [*lines, "No figure of data/ of this use falls in this run's window.", ""]
    lines += table_lines(summary)
    lines += [
        "",
        f"Coverage: the 90% intervals cover {coverage(summary, 'in_90')} observed values; the 50% intervals "
        f"cover {coverage(summary, 'in_50')}.",
        "",
    ]
    mases = series_mase(summary)
    if len(mases):
        listed = "; ".join(f"{r['series']} ({r['months']} months): {r['mase']:.2f}" for _, r in mases.iterrows())
        lines += [f"MASE of the monthly series (below 1: better than 'same as last month'): {listed}.", ""]
    return lines


def misses_lines(summaries: list[pd.DataFrame]) -> list[str]:
    """`Where the model misses`: every figure the 90% interval does not cover, worst (in log ratio) first."""
    table = pd.concat([s for s in summaries if len(s)], ignore_index=True) if any(len(s) for s in summaries) else None
    lines = ["### Where the model misses", ""]
    if table is None or not len(table):
        return [*lines, "No figure compared.", ""]
    missed = table[~table["in_90"]].drop_duplicates(["scenario", "target"]).copy()
    if not len(missed):
        return [*lines, "Every 90% interval covers its observed value.", ""]
    middle = np.where(missed["minimum"], missed["observed_low"], (missed["observed_low"] + missed["observed_high"]) / 2)
    missed["ratio"] = missed["median"].to_numpy() / np.where(middle > 0, middle, np.nan)
    missed["size"] = np.abs(np.log(missed["ratio"].clip(lower=1e-9)))
    lines.append(f"{len(missed)} figures lie outside their 90% interval (ratio = median / observed):")
    lines.append("")
    for _, r in missed.sort_values("size", ascending=False, na_position="first").iterrows():
        lines.append(
            f"- `{r['scenario']}` {r['country']} {r['metric']} {r['period']}: observed {r['observed']}, median "
            f"{_number(r['median'])} ({_number(r['ratio'])}x), 90% interval {_number(r['q05'])}-{_number(r['q95'])}"
        )
    return [*lines, ""]


@dataclass
class Report:
    """What one command made: per calibration its runs per scenario and its sections; the scenarios' windows."""

    calibrations: list[Calibration]
    runs: dict[tuple[str, str], Predictive]
    sections: list[Section]
    windows: dict[str, Window]
    apart: pd.DataFrame


def validate(
    calibrations: Sequence[Calibration],
    scenarios: Sequence[str] = SCENARIOS,
    n_draws: int = DRAWS,
    seeds: int | None = None,
    overrides: Sequence[str] = (),
    jobs: int = -1,
    facts: Path = FACTS,
) -> Report:
    """Run each calibration's posterior predictive on each scenario (draws checked first, before any run) and
    summarise every section. `seeds`: per draw (None: `SEEDS_PER_DRAW`, or `SEEDS_ALONE` for `none`)."""
    for calibration in calibrations:
        for scenario in scenarios:
            check_draws(calibration.draws, scenario, n_draws, overrides)
    runs, all_sections = {}, []
    composed = [shared_simulator(scenario, tuple(overrides), USES).base for scenario in scenarios]
    with quiet_model(*composed):  # the model's warning once per scenario, not once per calibration and scenario
        for calibration in calibrations:
            n_seeds = seeds if seeds is not None else (SEEDS_ALONE if calibration.draws is None else SEEDS_PER_DRAW)
            for scenario in scenarios:
                runs[calibration.name, scenario] = posterior_predictive(
                    calibration.draws, scenario, n_draws, n_seeds, USES, overrides, jobs
                )
            for section in sections(calibration, scenarios):
                section.summary = runs[calibration.name, section.scenario].summary(section.uses)
                all_sections.append(section)
    windows = {}
    for scenario in scenarios:
        result = runs[calibrations[0].name, scenario]
        windows[scenario] = Window(scenario, result.start, result.end)
    return Report(list(calibrations), runs, all_sections, windows, set_apart(read_figures(facts), windows))


def images(report: Report, out: Path) -> dict[tuple[str, str], str]:
    """Draw one PNG per calibration and scenario (where it has a monthly series) into the folder named like `out`
    without its suffix; returns each drawn one's path relative to `out`'s folder."""
    folder = out.with_suffix("")
    drawn = {}
    for (name, scenario), result in report.runs.items():
        what = "assumption values" if result.draws == 0 else f"{result.draws} posterior draws of {name}"
        title = f"{scenario}: {what} x {result.seeds} seeds; median, 50% and 90% intervals"
        path = plot(result, title, folder / f"{name}-{scenario}.png")
        if path is not None:
            drawn[name, scenario] = f"{folder.name}/{path.name}"
    return drawn


def calibration_lines(report: Report, calibration: Calibration, drawn: dict[tuple[str, str], str]) -> list[str]:
    """The report's part of one calibration: heading, its sections, its misses."""
    result = next(r for (n, _), r in report.runs.items() if n == calibration.name)
    if calibration.draws is None:
        lines = [f"## Assumption values (no calibration): {result.seeds} seeds per scenario", ""]
    else:
        try:
            where = calibration.draws.relative_to(REPO)
        except ValueError:
            where = calibration.draws
        lines = [
            f"## Calibration `{calibration.name}` (fitted to `{calibration.fitted}`): {result.draws} draws of "
            f"`{where}` x {result.seeds} seeds",
            "",
        ]
    shown = set()
    mine = [s for s in report.sections if s.calibration == calibration.name]
    for section in mine:
        key = (calibration.name, section.scenario)
        image = drawn.get(key) if key not in shown else None
        shown.add(key)
        lines += section_lines(section, report.windows[section.scenario], image)
    return lines + misses_lines([s.summary for s in mine])


def overview_lines(report: Report) -> list[str]:
    lines = [
        "| calibration | section | scenario | figures | covered by the 90% interval | by the 50% interval |",
        "|---|---|---|---:|---:|---:|",
    ]
    for s in report.sections:
        lines.append(
            f"| {s.calibration} | {s.key} | {s.scenario} | {len(s.summary)} | {coverage(s.summary, 'in_90')} | "
            f"{coverage(s.summary, 'in_50')} |"
        )
    return lines


def markdown(report: Report, argv: str, drawn: dict[tuple[str, str], str]) -> str:
    """docs/validation.md: how it was made, an overview of coverage, per calibration its sections, then the
    figures not compared."""
    lines = [
        "# Validation: the model against the sourced record",
        "",
        f"Written by `{f'python -m sim.validate {argv}'.strip()}` on {dt.date.today()}; do not edit by hand.",
        "",
        "Every figure of `data/border-facts.csv` the model can produce, against the posterior predictive of each "
        "calibration (its posterior draws x seeds of each historical scenario) or, for *assumption values*, seeds "
        "of today's defaults. Median and intervals are quantiles of the simulated values over draws x seeds "
        "(50%: 25th-75th percentile, 90%: 5th-95th). Relative error = (median - observed) / observed (the middle "
        "of an observed range; the count itself for a minimum count). An interval covers a single value that "
        "lies in it, a range it overlaps, and a minimum count (deaths from monitors, marked ≥) when it reaches "
        "the count. MASE (monthly series of at least 3 months) = mean |median - observed| / mean |observed "
        "month-to-month change|. *fit* figures are calibration targets, *check* figures are held out "
        "(`data/README.md`). Sections: the fitted figures, the figures held out within the fitted period, and "
        "the held-out regime (the other scenario, never fitted).",
        "",
        "## Coverage",
        "",
        *overview_lines(report),
        "",
    ]
    for calibration in report.calibrations:
        lines += calibration_lines(report, calibration, drawn)
    lines += [
        "## Figures not compared",
        "",
        "| country | figure | period | value | why |",
        "|---|---|---|---:|---|",
    ]
    for _, r in report.apart.iterrows():
        lines.append(f"| {r['country']} | {r['metric']} | {r['period']} | {r['observed']} | {r['why']} |")
    return "\n".join(lines) + "\n"


def console(report: Report) -> str:
    """What the command prints: per calibration its sections' tables, coverage and misses, then the overview."""
    lines = []
    for calibration in report.calibrations:
        lines += calibration_lines(report, calibration, {})
    lines += ["## Coverage", "", *overview_lines(report), ""]
    return "\n".join(lines)


def csv_table(report: Report) -> pd.DataFrame:
    """docs/validation.csv: every section's rows (with `calibration` and `section`), then the figures set apart."""
    parts = [s.summary.assign(calibration=s.calibration, section=s.key) for s in report.sections if len(s.summary)]
    compared = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if len(compared):
        compared = compared[
            ["calibration", "section", *[c for c in compared.columns if c not in {"calibration", "section"}]]
        ]
    return pd.concat([compared, report.apart], ignore_index=True)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m sim.validate", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--calibrations",
        nargs="+",
        default=None,
        help=f"calibrations to check: names under calibration/ (or folders with draws.parquet), or `{NONE}` for the "
        "assumption values with seeds only (default: every calibration/*/draws.parquet, else none)",
    )
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), help="historical scenarios to run")
    parser.add_argument("--draws", type=int, default=DRAWS, help=f"posterior draws per calibration (default {DRAWS})")
    parser.add_argument(
        "--seeds",
        type=int,
        default=None,
        help=f"seeds per draw (default {SEEDS_PER_DRAW}; {SEEDS_ALONE} for `{NONE}`, which has no draws)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the markdown report (a .csv goes beside it)")
    parser.add_argument("--jobs", type=int, default=-1, help="worker processes (default: all cores)")
    parser.add_argument("overrides", nargs="*", help="config overrides applied to every run (key=value)")
    args = parser.parse_args(args_list)
    if args.draws < 1:
        return _fail("--draws must be at least 1")
    if args.seeds is not None and args.seeds < 1:
        return _fail("--seeds must be at least 1")
    if args.jobs == 0:
        return _fail("--jobs must not be 0 (a count of processes, or -1 for all cores)")
    names = args.calibrations if args.calibrations is not None else (available() or [NONE])
    try:
        calibrations = [resolve(name) for name in dict.fromkeys(names)]
    except ValueError as err:
        return _fail(str(err))
    for calibration in calibrations:
        per_draw = args.seeds or (SEEDS_ALONE if calibration.draws is None else SEEDS_PER_DRAW)
        runs = per_draw * (1 if calibration.draws is None else args.draws)
        if runs < MIN_RUNS:
            print(
                f"warning: {calibration.name}: {runs} runs per scenario (draws x seeds); the intervals are meant for "
                f"at least {MIN_RUNS}",
                file=sys.stderr,
            )
    try:
        report = validate(calibrations, args.scenarios, args.draws, args.seeds, args.overrides, args.jobs)
    except ConfigError as err:
        return _fail(str(err))
    except (KeyError, TypeError) as err:  # a draws column that is no numeric config key
        return _fail(f"--calibrations: {err.args[0] if err.args else err}")
    except ValueError as err:  # an unreadable draws table
        return _fail(str(err))
    except Exception as err:  # a composition error (an unknown scenario), in one line as `sim.run` gives it
        problem = config_file_problem(err)
        if problem is None:
            raise
        return _fail(problem)
    print(console(report))
    try:
        drawn = images(report, args.out)
        write_text(args.out, markdown(report, " ".join(args_list), drawn))
        write_csv(args.out.with_suffix(".csv"), csv_table(report))
    except OSError as err:
        print(f"error: {cannot_write(err, args.out)}", file=sys.stderr)
        return 1
    compared = sum(len(s.summary) for s in report.sections)
    print(
        f"wrote {args.out}, {args.out.with_suffix('.csv')} and {len(drawn)} plots in {args.out.with_suffix('')}: "
        f"{compared} comparisons in {len(report.sections)} sections, {len(report.apart)} figures set apart"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
