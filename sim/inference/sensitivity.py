"""Which assumption parameters move the model's outputs (`python -m sim.sensitivity`).

First a Morris elementary-effects screening of every registered assumption parameter (`parameters.ASSUMPTIONS`),
then Sobol first- and total-order indices (Saltelli's sampling, SALib) of the few that matter most. Parameters are
sampled in the unit cube and mapped to their prior ranges by `Parameter.from_unit` (so log ranges are sampled on a
log scale); every other config value stays at the scenario's default. Each sample point is one full run (or the
mean of `seeds` runs) of the scenario measuring `simulate.OUTPUTS`; runs go to worker processes, each holding one
`Simulator` (not one Hydra job per run).

Every point runs with the same model seeds (0 .. seeds-1): common random numbers, so that the difference between
two neighbouring points of a Morris trajectory is the parameter's effect plus the model's response to it, not two
independent draws of the noise. The written files are `morris.csv`, `sobol.csv`, `morris.png`, `sobol.png` and
`settings.json` in `--out`, and a markdown summary (`docs/sensitivity.md` for the shipped run).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import shlex
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, effective_n_jobs

from sim.analysis.plots import save_figure
from sim.cli.io import cannot_write, write_csv, write_json, write_text
from sim.cli.run import config_file_problem
from sim.config import ConfigError
from sim.inference.parameters import ASSUMPTIONS, Parameter, parameters, value_of
from sim.inference.simulate import OUTPUTS, Simulator, quiet_model, shared_simulator

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "docs" / "sensitivity"
DEFAULT_DOC = REPO / "docs" / "sensitivity.md"
QUICK_OUT = REPO / "results" / "sensitivity" / "quick"
#: Morris grid levels per parameter (SALib's default; the step is levels / (2 (levels - 1)) = 2/3 of the range).
LEVELS = 4
#: Bootstrap resamples for the confidence intervals of both methods.
RESAMPLES = 1000
#: `--quick`: the first 30 days, 3 Morris trajectories over every parameter, Sobol with N=8 over the top 3.
QUICK = {"days": 30, "trajectories": 3, "sobol_top": 3, "sobol_n": 8}
#: The full run's budget (docs/sensitivity.md says why).
FULL = {"days": None, "trajectories": 8, "sobol_top": 8, "sobol_n": 64}
#: Points per task sent to a worker.
CHUNK = 8
#: Parameters shown in morris.png.
PLOT_TOP = 20


@dataclass(frozen=True)
class Settings:
    """One analysis. `days`: None for the scenario's whole season; `seeds`: model seeds 0..seeds-1 run at every
    point and averaged; `seed`: SALib's sampling seed; `keys`: the parameters screened (None: all of
    `ASSUMPTIONS`); `sobol_top`: 0 skips the Sobol step."""

    scenario: str = "autumn2021"
    days: int | None = None
    trajectories: int = 8
    seeds: int = 1
    sobol_top: int = 8
    sobol_n: int = 64
    seed: int = 0
    jobs: int = -1
    quick: bool = False
    overrides: tuple[str, ...] = ()
    keys: tuple[str, ...] | None = None

    @property
    def run_overrides(self) -> tuple[str, ...]:
        return (*self.overrides, *(() if self.days is None else (f"days={self.days}",)))

    @property
    def params(self) -> tuple[Parameter, ...]:
        return parameters(self.keys)


# --- runs in worker processes ---------------------------------------------------------------------------------


def run_points(
    scenario: str, overrides: tuple[str, ...], keys: tuple[str, ...], values: np.ndarray, seeds: int, first: np.ndarray
) -> np.ndarray:
    """Shape (len(values), len(OUTPUTS)): each row of `values` (one value per key) run with model seeds first[i] ..
    first[i] + seeds - 1, the outputs averaged over seeds (NaN where a seed's output is NaN)."""
    sim = shared_simulator(scenario, overrides, ())
    out = np.empty((len(values), len(OUTPUTS)))
    with quiet_model():  # a loky worker: the main process said the warning once
        for i, row in enumerate(values):
            point = dict(zip(keys, (float(x) for x in row), strict=True))
            runs = [sim.run(point, int(first[i]) + k)[1] for k in range(seeds)]
            out[i] = [sum(r[name] for r in runs) / seeds for name in OUTPUTS]
    return out


Evaluate = Callable[[Settings, Sequence[Parameter], np.ndarray, np.ndarray, str], np.ndarray]


def evaluate(
    settings: Settings, params: Sequence[Parameter], unit: np.ndarray, first: np.ndarray, label: str
) -> np.ndarray:
    """Shape (len(unit), len(OUTPUTS)): the outputs at each row of `unit` (points in the unit cube, one column per
    parameter) with model seeds first[i] .. first[i] + settings.seeds - 1, in worker processes, with progress on
    stderr."""
    keys = tuple(p.key for p in params)
    values = np.column_stack([p.from_unit(unit[:, j]) for j, p in enumerate(params)]) if len(params) else unit
    jobs = effective_n_jobs(settings.jobs)
    # chunks of at most CHUNK points (progress, and no worker idle long at the end), at least 4 per worker
    parts = max(math.ceil(len(unit) / CHUNK), min(len(unit), 4 * jobs))
    chunks = [c for c in np.array_split(np.arange(len(unit)), parts) if len(c)]
    tasks = (
        delayed(run_points)(settings.scenario, settings.run_overrides, keys, values[c], settings.seeds, first[c])
        for c in chunks
    )
    started, done, results = time.monotonic(), 0, []
    runs = len(unit) * settings.seeds
    for part in Parallel(n_jobs=jobs, backend="loky", return_as="generator")(tasks):
        results.append(part)
        done += len(part)
        minutes = (time.monotonic() - started) / 60
        print(f"{label}: {done * settings.seeds}/{runs} runs, {minutes:.1f} min", file=sys.stderr, flush=True)
    return np.concatenate(results) if results else np.empty((0, len(OUTPUTS)))


# --- the two methods ------------------------------------------------------------------------------------------


def _problem(params: Sequence[Parameter]) -> dict:
    return {"num_vars": len(params), "names": [p.key for p in params], "bounds": [[0.0, 1.0]] * len(params)}


def _usable(y: np.ndarray) -> str | None:
    """Why an output cannot be analysed (NaN in a run, or the same in every run), or None."""
    if not np.all(np.isfinite(y)):
        return "not defined in some runs"
    if np.ptp(y) == 0:
        return "the same in every run"
    return None


def morris_sample(settings: Settings, params: Sequence[Parameter]) -> np.ndarray:
    """The Morris trajectories in the unit cube: trajectories x (len(params) + 1) rows."""
    from SALib.sample import morris as sample

    return sample.sample(_problem(params), N=settings.trajectories, num_levels=LEVELS, seed=settings.seed)


def morris_table(settings: Settings, params: Sequence[Parameter], unit: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """One row per parameter and output: mu, mu_star, mu_star_conf, sigma (in output units, for a step of 2/3 of
    the parameter's prior range), `mu_star_norm` (mu_star / the largest mu_star of that output), `score` (the
    parameter's largest mu_star_norm over outputs) and `rank` (1 = largest score; ties broken by the mean
    mu_star_norm over outputs), sorted by rank."""
    from SALib.analyze import morris as analyze

    problem = _problem(params)
    rows = []
    for o, output in enumerate(OUTPUTS):
        why = _usable(y[:, o])
        if why is None:
            res = analyze.analyze(
                problem, unit, y[:, o], num_resamples=RESAMPLES, num_levels=LEVELS, seed=settings.seed
            )
            stats = {k: np.asarray(res[k], dtype=float) for k in ("mu", "mu_star", "mu_star_conf", "sigma")}
        else:
            stats = {k: np.full(len(params), np.nan) for k in ("mu", "mu_star", "mu_star_conf", "sigma")}
        top = stats["mu_star"].max()  # NaN when the output was not analysed
        norm = stats["mu_star"] / top if top > 0 else np.where(np.isnan(stats["mu_star"]), np.nan, 0.0)
        for j, p in enumerate(params):
            rows.append(
                {
                    "parameter": p.key,
                    "output": output,
                    **{k: float(v[j]) for k, v in stats.items()},
                    "mu_star_norm": float(norm[j]),
                    "note": why or "",
                }
            )
    table = pd.DataFrame(rows)
    by = table.groupby("parameter", sort=False)["mu_star_norm"]
    score = by.max()  # NaN-skipping
    ties = pd.DataFrame({"score": score.fillna(-1.0), "mean": by.mean().fillna(-1.0)})  # ties: the mean decides
    order = {k: i for i, k in enumerate(ties.sort_values(["score", "mean"], ascending=False, kind="stable").index)}
    table["score"] = table["parameter"].map(score)
    table["rank"] = table["parameter"].map(order) + 1
    return table.sort_values(["rank", "output"], key=lambda c: c.map(OUTPUTS.index) if c.name == "output" else c)


def ranking(morris: pd.DataFrame) -> list[str]:
    """The parameters, most influential first."""
    return list(morris.sort_values("rank").drop_duplicates("parameter")["parameter"])


def sobol_sample(settings: Settings, params: Sequence[Parameter]) -> np.ndarray:
    """Saltelli's points in the unit cube without second-order terms: sobol_n x (len(params) + 2) rows."""
    from SALib.sample import sobol as sample

    return sample.sample(_problem(params), settings.sobol_n, calc_second_order=False, seed=settings.seed)


def sobol_table(settings: Settings, params: Sequence[Parameter], y: np.ndarray) -> pd.DataFrame:
    """One row per parameter and output: S1, S1_conf, ST, ST_conf (95% bootstrap half-widths)."""
    from SALib.analyze import sobol as analyze

    rows = []
    for o, output in enumerate(OUTPUTS):
        why = _usable(y[:, o])
        if why is None:
            # seed + 1: SALib's sobol.analyze ignores a seed of 0 (`if seed:`) and bootstraps from numpy's global state
            res = analyze.analyze(
                _problem(params), y[:, o], calc_second_order=False, num_resamples=RESAMPLES, seed=settings.seed + 1
            )
        else:
            res = {k: np.full(len(params), np.nan) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        for j, p in enumerate(params):
            rows.append(
                {
                    "parameter": p.key,
                    "output": output,
                    **{k: float(res[k][j]) for k in ("S1", "S1_conf", "ST", "ST_conf")},
                    "note": why or "",
                }
            )
    return pd.DataFrame(rows)


#: Independent repeats of the default point (each the mean of `seeds` seeds) that measure the model's noise.
NOISE_REPEATS = 4
SOBOL_COLUMNS = ["parameter", "output", "S1", "S1_conf", "ST", "ST_conf", "note"]


@dataclass
class Result:
    """`defaults`: the outputs of the default parameters (seeds 0..seeds-1); `noise`: per output, the standard
    deviation between `NOISE_REPEATS` such runs with other seeds (what a parameter with no effect but a different
    random path would show as mu*, roughly)."""

    morris: pd.DataFrame
    sobol: pd.DataFrame
    defaults: dict[str, float]
    noise: dict[str, float]
    morris_runs: int
    sobol_runs: int
    seconds: dict[str, float]


def screen(settings: Settings, run: Evaluate = evaluate) -> Result:
    """The Morris step over `settings.params`, with the default point and its noise (no Sobol yet)."""
    params = settings.params
    started = time.monotonic()
    unit = morris_sample(settings, params)
    base = _main_simulator(settings).base
    defaults = np.array([[float(p.to_unit(value_of(base, p.key))) for p in params]] * NOISE_REPEATS)
    first = np.concatenate([np.zeros(len(unit), dtype=int), settings.seeds * np.arange(NOISE_REPEATS)])
    y = run(settings, params, np.vstack([unit, defaults]), first, "morris")
    morris = morris_table(settings, params, unit, y[: len(unit)])
    at_defaults = y[len(unit) :]
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an output NaN in every repeat stays NaN
        noise = np.nanstd(at_defaults, axis=0, ddof=1)
    return Result(
        morris,
        pd.DataFrame(columns=SOBOL_COLUMNS),
        dict(zip(OUTPUTS, (float(v) for v in at_defaults[0]), strict=True)),
        dict(zip(OUTPUTS, (float(v) for v in noise), strict=True)),
        (len(unit) + NOISE_REPEATS) * settings.seeds,
        0,
        {"morris": time.monotonic() - started},
    )


def sobol_step(settings: Settings, result: Result, run: Evaluate = evaluate) -> Result:
    """`result` with the Sobol indices of the top `settings.sobol_top` of its Morris ranking (every other
    parameter at its default)."""
    started = time.monotonic()
    top = parameters(ranking(result.morris)[: settings.sobol_top])
    points = sobol_sample(settings, top)
    y = run(settings, top, points, np.zeros(len(points), dtype=int), "sobol")
    return dataclasses.replace(
        result,
        sobol=sobol_table(settings, top, y),
        sobol_runs=len(points) * settings.seeds,
        seconds={**result.seconds, "sobol": time.monotonic() - started},
    )


def analyse(settings: Settings, run: Evaluate = evaluate) -> Result:
    """Morris over `settings.params`, then Sobol over the top `sobol_top`. `run` evaluates points (tests pass a
    stand-in for the model)."""
    result = screen(settings, run)
    return sobol_step(settings, result, run) if settings.sobol_top else result


def _main_simulator(settings: Settings) -> Simulator:
    return shared_simulator(settings.scenario, settings.run_overrides, ())


# --- figures and the summary ----------------------------------------------------------------------------------

LABELS = {
    "poland_reported_attempts": "Polish reported attempts",
    "poland_crossings": "crossings into Poland",
    "lithuania_crossings": "crossings into Lithuania",
    "interception_rate": "interception rate",
    "deaths": "deaths",
}


#: Why a parameter changes no output, read from the model's code (docs/ODD.md 9): said in the report under the
#: parameters the screening found without effect.
NO_EFFECT = {
    "escort.p_incursion": "an incursion is only counted (`incursions`, `maybe_cross_line` in sim/core/escorts.py); "
    "nothing in the model reacts to it, and its draw is taken whatever the chance",
    "guards.reinforce_days": "it sets how fast the memory of breaches fades, which only `guards.deployment=reinforce` "
    "reads (`deployment_weights` in sim/core/guards/force.py); every scenario deploys `by_risk`",
    "terrain.swamp.lose_factor": "nobody is led to a swamp segment: `adaptive` escorts (the default "
    "`escort.strategy`) take the segment of the largest Beta draw x access (`SegmentChoice.pick` in "
    "sim/core/escorts.py), and the swamp sections' access of 0.3 never beats the sections of access 1 to 2 "
    "(`weakest` escorts never pick them either; `random` ones do)",
    "sensors.p_detect": "no `fence.rules` entry of the run installs sensors",
}


def why_no_effect(key: str) -> str | None:
    """Why `key` can change no output (`NO_EFFECT`; a barrier's keys: none of the run's is built), or None."""
    if key in NO_EFFECT:
        return NO_EFFECT[key]
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "barriers":
        return f"no `fence.rules` entry of the run builds a {parts[1]}"
    return None


def _quick_tag(settings: Settings) -> str:
    return "QUICK RUN (tiny budget, not for interpretation): " if settings.quick else ""


def morris_plot(settings: Settings, morris: pd.DataFrame, path: Path) -> Path:
    """The top parameters' mu_star / the largest of each output, one bar per output, with the 95% interval."""
    import matplotlib.pyplot as plt

    keys = ranking(morris)[:PLOT_TOP]
    analysed = [o for o in OUTPUTS if (morris.loc[morris["output"] == o, "note"] == "").all()]
    height = 0.8 / max(len(analysed), 1)
    tall = 0.42 * len(keys) + 2.8
    fig, ax = plt.subplots(figsize=(10, tall))
    colours = dict(zip(OUTPUTS, plt.rcParams["axes.prop_cycle"].by_key()["color"], strict=False))
    for o, output in enumerate(analysed):
        rows = morris[morris["output"] == output].set_index("parameter").loc[keys]
        top = morris.loc[morris["output"] == output, "mu_star"].max()
        err = (rows["mu_star_conf"] / top).fillna(0.0) if top > 0 else 0.0 * rows["mu_star"]
        y = np.arange(len(keys)) + (o - (len(analysed) - 1) / 2) * height
        ax.barh(
            y, rows["mu_star_norm"].fillna(0.0), height, xerr=err, capsize=1.5, label=LABELS[output],
            color=colours[output], error_kw={"elinewidth": 0.8},
        )  # fmt: skip
    ax.set_yticks(np.arange(len(keys)), keys, fontsize="small")
    ax.set_xlim(left=0)
    ax.invert_yaxis()
    ax.set_xlabel("mu* / largest mu* of that output (Morris; bar = 95% interval)")
    ax.set_title(
        f"{_quick_tag(settings)}Morris screening, top {len(keys)} of {len(morris['parameter'].unique())} "
        f"parameters\n{_window(settings)}, {settings.trajectories} trajectories, {settings.seeds} seed(s) per point",
        fontsize="medium",
    )
    ax.grid(axis="x", alpha=0.3)
    fig.legend(loc="lower center", ncol=3, title=_not_analysed(morris))
    fig.tight_layout(rect=(0, 1.0 / tall, 1, 1))
    return save_figure(fig, path, layout=False)


def _not_analysed(table: pd.DataFrame) -> str | None:
    """A legend title naming the outputs not analysed (the same in every run, or undefined), or None."""
    skipped = [LABELS[o] for o in OUTPUTS if (table.loc[table["output"] == o, "note"] != "").any()]
    return f"not analysed (the same in every run or undefined): {', '.join(skipped)}" if skipped else None


def sobol_plot(settings: Settings, sobol: pd.DataFrame, path: Path) -> Path:
    """Per output, S1 and ST of each parameter with their 95% intervals."""
    import matplotlib.pyplot as plt

    keys = list(dict.fromkeys(sobol["parameter"]))
    fig, axes = plt.subplots(
        1, len(OUTPUTS), figsize=(3.0 * len(OUTPUTS) + 3.2, 0.45 * len(keys) + 2.6), sharey=True, squeeze=False
    )
    y = np.arange(len(keys))
    for ax, output in zip(axes[0], OUTPUTS, strict=True):
        rows = sobol[sobol["output"] == output].set_index("parameter").loc[keys]
        for shift, (what, colour) in zip((-0.2, 0.2), (("S1", "tab:blue"), ("ST", "tab:orange")), strict=True):
            ax.barh(
                y + shift, rows[what].fillna(0.0), 0.4, xerr=rows[f"{what}_conf"].fillna(0.0), capsize=2,
                color=colour, label={"S1": "first order S1", "ST": "total order ST"}[what],
            )  # fmt: skip
        ax.axvline(0, color="black", lw=0.6)
        if rows["note"].iloc[0]:
            ax.text(0.5, 0.5, f"not analysed:\n{rows['note'].iloc[0]}", transform=ax.transAxes, ha="center")
        ax.set_title(LABELS[output], fontsize="small")
        ax.set_xlim(-0.25, 1.25)  # indices are shares: wider intervals are cut at the edge
        ax.set_xticks([0, 0.5, 1])
        ax.grid(axis="x", alpha=0.3)
        ax.set_xlabel("share of variance")
    axes[0][0].set_yticks(y, keys, fontsize="small")
    axes[0][0].invert_yaxis()
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.suptitle(
        f"{_quick_tag(settings)}Sobol indices of the top {len(keys)} Morris parameters, {_window(settings)}, "
        f"N={settings.sobol_n}, {settings.seeds} seed(s) per point (bar = 95% interval)",
        fontsize="medium",
    )
    fig.legend(handles, labels, loc="lower center", ncol=2)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return save_figure(fig, path, layout=False)


def _window(settings: Settings) -> str:
    base = _main_simulator(settings).base
    return f"{settings.scenario} from {base.start_date}, {base.days} days"


def _fmt(x: float, digits: int = 2) -> str:
    if x is None or not np.isfinite(x):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.{digits}f}" if abs(x) >= 0.01 or x == 0 else f"{x:.1e}"


def summary(settings: Settings, result: Result, command: str, out: Path, doc: Path) -> str:
    """The markdown summary: method, budget, seeds, time taken, tables of the top parameters, what they mean."""
    morris, sobol = result.morris, result.sobol
    n_params = morris["parameter"].nunique()
    rel = Path(os.path.relpath(out, doc.parent))
    quick = (
        ["", "**This is a quick run** (`--quick`): a tiny budget to see the command work. Its numbers are noise; do "
         "not read anything into them.", ""]
        if settings.quick else [""]
    )  # fmt: skip
    minutes = {k: v / 60 for k, v in result.seconds.items()}
    lines = [
        "# Sensitivity analysis: which assumptions move the model",
        "",
        f"Written by `{command}`; do not edit by hand. Files: `{rel}/` (morris.csv, sobol.csv, morris.png, "
        "sobol.png, settings.json).",
        *quick,
        "## Method",
        "",
        f"- **Model runs**: scenario `{settings.scenario}` ({_window(settings)}), "
        f"overrides: {' '.join(settings.overrides) or 'none'}. Outputs per run (totals over the run): "
        + ", ".join(f"`{o}`" for o in OUTPUTS)
        + ".",
        f"- **Parameters**: {n_params} assumption parameters (`sim/inference/parameters.py`, each with its prior "
        "range); sampled in the unit cube and mapped to the range (log ranges on a log scale). Parameters not "
        "varied keep the scenario's defaults.",
        f"- **Morris screening** (SALib): {settings.trajectories} trajectories x ({n_params} + 1) points = "
        f"{result.morris_runs} runs, {LEVELS} levels. mu* is the mean absolute change of an output when a parameter "
        "moves 2/3 of its range; sigma is the spread of those changes (large sigma: the effect depends on the other "
        "parameters or is noisy). Each parameter's **score** is its mu* divided by the largest mu* of that output, "
        "maximised over the outputs, so an output's scale does not decide the ranking.",
        (
            f"- **Sobol indices** (Saltelli's sampling, SALib) of the top {settings.sobol_top} by score: "
            f"N={settings.sobol_n} x ({settings.sobol_top} + 2) = {result.sobol_runs} runs; the others at their "
            "defaults. S1 is the share of an output's variance due to the parameter alone, ST includes its "
            "interactions; 95% bootstrap intervals."
            + (
                f" N={settings.sobol_n} is below the {FULL['sobol_n']} this command defaults to (a smaller budget, "
                "to fit the time there was): the intervals are wide; read the order of the parameters, not the "
                "values."
                if settings.sobol_n < FULL["sobol_n"] and not settings.quick
                else ""
            )
            if settings.sobol_top
            else "- **Sobol indices**: skipped (`--sobol-top 0`)."
        ),
        f"- **Seeds**: every point runs with model seed(s) {', '.join(map(str, range(settings.seeds)))} "
        "(common random numbers: all points share the random streams, so the difference between two points is "
        "the parameters' effect, not fresh noise; with `--seeds N` each point is the mean of N seeds). SALib's "
        f"sampling seed is {settings.seed}: the same command gives the same files.",
        "- **Time**: "
        + ", ".join(f"{k} {v:.1f} min" for k, v in minutes.items())
        + f" (wall clock) on {effective_n_jobs(settings.jobs)} worker process(es); a full-season run takes about "
        "1.5 s of one free core, more when other work shares the machine.",
        "",
        "Outputs of the default parameters (same seeds), and in brackets the model's noise: their standard deviation "
        f"over {NOISE_REPEATS} repeats with other seeds: "
        + ", ".join(f"{LABELS[o]} {_fmt(result.defaults[o])} ({_fmt(result.noise[o])})" for o in OUTPUTS)
        + ".",
        "",
        "## Morris screening",
        "",
        f"![Morris]({rel}/morris.png)",
        "",
        "Top 15 by score: mu* / largest mu* per output (sigma / mu* in brackets; above 1: interactions or noise "
        "dominate). † marks a mu* within the noise floor of that output: no larger than the mu* a parameter "
        "without any effect would show if it only reshuffled the random draws, 2 / sqrt(pi) x the noise's "
        f"standard deviation / the step ({_step():.2f} of the range); such an effect cannot be told from noise.",
        "",
        "| rank | parameter | score | " + " | ".join(LABELS[o] for o in OUTPUTS) + " |",
        "|---:|---|---:|" + "---:|" * len(OUTPUTS),
    ]
    wide = morris.set_index(["parameter", "output"])
    floor = noise_floor(result.noise)
    for key in ranking(morris)[:15]:
        cells = []
        for o in OUTPUTS:
            r = wide.loc[(key, o)]
            if not np.isfinite(r["mu_star"]):
                cells.append("n/a")
                continue
            ratio = r["sigma"] / r["mu_star"] if r["mu_star"] > 0 else np.nan
            within = "†" if r["mu_star"] <= floor[o] else ""
            cells.append(f"{_fmt(r['mu_star_norm'])}{within} ({_fmt(ratio, 1)})")
        first = wide.loc[(key, OUTPUTS[0])]
        lines.append(f"| {int(first['rank'])} | `{key}` | {_fmt(first['score'])} | " + " | ".join(cells) + " |")
    notes = morris.drop_duplicates("output").set_index("output")["note"]
    for o in OUTPUTS:
        if notes[o]:
            lines += ["", f"`{o}` was not analysed: {notes[o]} (nothing of it happens in this window)."]
    lines += ["", *_morris_reading(morris, floor)]
    if settings.sobol_top:
        lines += ["", "## Sobol indices", "", f"![Sobol]({rel}/sobol.png)", ""]
        lines += [
            "S1 and ST with 95% intervals, per output.",
            "",
            "| parameter | " + " | ".join(f"{LABELS[o]} S1 / ST" for o in OUTPUTS) + " |",
            "|---|" + "---|" * len(OUTPUTS),
        ]
        sw = sobol.set_index(["parameter", "output"])
        for key in dict.fromkeys(sobol["parameter"]):
            cells = []
            for o in OUTPUTS:
                r = sw.loc[(key, o)]
                cells.append(
                    f"{_fmt(r['S1'])} ± {_fmt(r['S1_conf'])} / {_fmt(r['ST'])} ± {_fmt(r['ST_conf'])}"
                    if np.isfinite(r["S1"])
                    else "n/a"
                )
            lines.append(f"| `{key}` | " + " | ".join(cells) + " |")
        lines += ["", *_sobol_reading(sobol)]
    lines += [
        "",
        "## What the calibration fits",
        "",
        "The calibration (`python -m sim.calibrate`, docs/calibration.md) fits the parameters **chosen by this "
        "analysis**: those at the top of the Morris ranking that move the fitted outputs; the rest stay at their "
        "defaults, since the record cannot tell their values apart.",
        "",
        "Limits: the indices hold for the priors of `sim/inference/parameters.py` and this scenario and window; "
        "Morris with few trajectories ranks roughly (neighbouring ranks can swap), and Sobol intervals with small "
        "N are wide (a negative S1 or an S1 above ST is estimation error).",
    ]
    return "\n".join(lines) + "\n"


def _step() -> float:
    """The Morris step in the unit cube (SALib: levels / (2 (levels - 1)))."""
    return LEVELS / (2 * (LEVELS - 1))


def noise_floor(noise: dict[str, float]) -> dict[str, float]:
    """Per output, the mu* of a parameter without effect whose only change is fresh noise: E|X - Y| / step for two
    independent normal values of standard deviation `noise` (2 sigma / sqrt(pi))."""
    return {o: 2 * noise[o] / math.sqrt(math.pi) / _step() for o in OUTPUTS}


def _morris_reading(morris: pd.DataFrame, floor: dict[str, float]) -> list[str]:
    """Plain statements read off the table: the leading parameters of each output, parameters with no effect or
    none above the noise."""
    out = ["What it says:", ""]
    for o in OUTPUTS:
        rows = morris[(morris["output"] == o) & (morris["mu_star"] > 0)].sort_values("mu_star", ascending=False)
        if len(rows):
            lead = ", ".join(f"`{k}`" for k in rows["parameter"].head(3))
            above = int((rows["mu_star"] > floor[o]).sum())
            out.append(
                f"- {LABELS[o]}: most moved by {lead} (mu* of the first: {_fmt(rows['mu_star'].iloc[0])}); "
                f"{above} parameter(s) above the noise floor ({_fmt(floor[o])})."
            )
    still = morris.groupby("parameter")["mu_star"].max()
    none = sorted(still[still == 0].index)
    if none:
        out.append(
            f"- {len(none)} parameter(s) changed no output at all in this window (they cannot act here, e.g. a "
            f"barrier that is never built): {', '.join(f'`{k}`' for k in none)}."
        )
    above = morris.assign(floor=morris["output"].map(floor)).query("mu_star > floor")["parameter"].unique()
    within = [k for k in ranking(morris) if k not in set(above) and k not in none]
    if within:
        out.append(
            f"- {len(within)} parameter(s) act but stay within the noise floor on every output (no effect these runs "
            f"can tell apart): {', '.join(f'`{k}`' for k in within)}."
        )
    known: dict[str, list[str]] = {}  # reason -> the keys it holds for
    for k in none:
        why = why_no_effect(k)
        if why is not None:
            known.setdefault(why, []).append(k)
    if known:
        out += ["", "Parameters without effect, and why (from the model's code):", ""]
        out += [f"- {', '.join(f'`{k}`' for k in keys)}: {why}." for why, keys in known.items()]
    return out


def _sobol_reading(sobol: pd.DataFrame) -> list[str]:
    out = ["What it says:", ""]
    for o in OUTPUTS:
        rows = sobol[(sobol["output"] == o) & sobol["ST"].notna()].sort_values("ST", ascending=False)
        if not len(rows):
            continue
        lead = rows.iloc[0]
        s1 = rows["S1"].clip(lower=0).sum()
        out.append(
            f"- {LABELS[o]}: `{lead['parameter']}` has the largest total effect (ST {_fmt(lead['ST'])}); the first-"
            f"order indices sum to {_fmt(s1)}"
            + (
                " (above 1: estimation error at this N)."
                if s1 > 1.05
                else " (most of the variance is additive)."
                if s1 >= 0.7
                else " (interactions or noise carry the rest)."
            )
        )
    return out


def _finite(values: dict[str, float]) -> dict[str, float | None]:
    return {k: v if np.isfinite(v) else None for k, v in values.items()}


def settings_record(settings: Settings, result: Result | None, command: str) -> dict:
    """settings.json: the resolved settings (no paths, no git state) and, with a `result`, the budget spent."""
    base = _main_simulator(settings).base
    record = dataclasses.asdict(settings)
    record.update(
        command=command,
        overrides=list(settings.overrides),
        keys=[p.key for p in settings.params],
        start_date=base.start_date,
        days=base.days,
        jobs=effective_n_jobs(settings.jobs),
        levels=LEVELS,
        resamples=RESAMPLES,
        model_seeds=list(range(settings.seeds)),
        outputs=list(OUTPUTS),
    )
    if result is not None:
        record.update(
            morris_runs=result.morris_runs,
            default_outputs=_finite(result.defaults),
            noise_sd=_finite(result.noise),
            sobol_runs=result.sobol_runs,
            sobol_parameters=list(dict.fromkeys(result.sobol["parameter"])),
            minutes={k: round(v / 60, 2) for k, v in result.seconds.items()},
        )
    return record


MORRIS_COLUMNS = ["parameter", "output", "mu", "mu_star", "mu_star_conf", "sigma", "mu_star_norm", "score", "rank"]
#: What a reused screening must share with the command that reuses it (`--reuse`); Sobol indices also `SOBOL_SETTINGS`.
MORRIS_SETTINGS = ("scenario", "days", "overrides", "keys", "trajectories", "seeds", "seed")
SOBOL_SETTINGS = ("sobol_top", "sobol_n")


def write_morris(settings: Settings, result: Result, out: Path, command: str) -> list[Path]:
    """morris.csv, morris.png and settings.json: written as soon as the screening is done."""
    return [
        write_csv(out / "morris.csv", result.morris[[*MORRIS_COLUMNS, "note"]]),
        write_json(out / "settings.json", settings_record(settings, result, command)),
        morris_plot(settings, result.morris, out / "morris.png"),
    ]


class ReuseError(ValueError):
    """`--reuse` found no screening, or one made with other settings."""


def _read(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path, keep_default_na=False, na_values=[""], float_precision="round_trip")
    table["note"] = table["note"].fillna("").astype(str)
    return table


def reuse(settings: Settings, out: Path) -> Result:
    """The results that `out` holds: its screening, when made with the same Morris settings (else `ReuseError`
    naming the first difference or the missing file), and its Sobol indices when also made with the same Sobol
    settings over the same top parameters (else none)."""
    try:
        saved = json.loads((out / "settings.json").read_text(encoding="utf-8"))
        morris = _read(out / "morris.csv")
    except (OSError, ValueError) as err:
        raise ReuseError(f"--reuse: no screening to reuse in {out} ({err})") from None
    mine = settings_record(settings, None, "")
    for key in MORRIS_SETTINGS:
        if saved.get(key) != mine[key]:
            raise ReuseError(f"--reuse: {out} was screened with {key}={saved.get(key)}, not {mine[key]}")
    nan = float("nan")
    minutes = saved["minutes"]
    result = Result(
        morris=morris,
        sobol=pd.DataFrame(columns=SOBOL_COLUMNS),
        defaults={k: nan if v is None else v for k, v in saved["default_outputs"].items()},
        noise={k: nan if v is None else v for k, v in saved["noise_sd"].items()},
        morris_runs=saved["morris_runs"],
        sobol_runs=0,
        seconds={"morris": minutes["morris"] * 60},
    )
    same = all(saved.get(key) == mine[key] for key in SOBOL_SETTINGS)
    top = ranking(morris)[: settings.sobol_top]
    if settings.sobol_top and same and saved.get("sobol_parameters") == top and (out / "sobol.csv").exists():
        result = dataclasses.replace(
            result,
            sobol=_read(out / "sobol.csv"),
            sobol_runs=saved["sobol_runs"],
            seconds={**result.seconds, "sobol": minutes["sobol"] * 60},
        )
    return result


def write(settings: Settings, result: Result, out: Path, doc: Path, command: str) -> list[Path]:
    written = write_morris(settings, result, out, command)
    if settings.sobol_top:
        written += [write_csv(out / "sobol.csv", result.sobol), sobol_plot(settings, result.sobol, out / "sobol.png")]
    written.append(write_text(doc, summary(settings, result, command, out, doc)))
    return written


# --- the command ----------------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage block
        self.exit(2, f"error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m sim.sensitivity", description=__doc__.split("\n\n")[0])
    p.add_argument("--scenario", default="autumn2021", help="scenario (configs/scenario/; default autumn2021)")
    p.add_argument("--days", type=int, help="simulated days (default: the scenario's whole season; --quick: 30)")
    p.add_argument("--trajectories", type=int, help=f"Morris trajectories (default {FULL['trajectories']}; quick 3)")
    p.add_argument("--seeds", type=int, default=1, help="model seeds per point, averaged (default 1: seed 0)")
    p.add_argument("--sobol-top", type=int, help="Sobol over this many top Morris parameters (default 8; 0: none)")
    p.add_argument("--sobol-n", type=int, help="Sobol base sample size N, a power of 2 (default 64; quick 8)")
    p.add_argument("--seed", type=int, default=0, help="SALib's sampling seed (default 0)")
    p.add_argument("--jobs", type=int, default=-1, help="worker processes (default -1: all cores)")
    p.add_argument("--parameters", nargs="+", metavar="KEY", help="screen only these registered keys (default all)")
    p.add_argument("--quick", action="store_true", help="a tiny budget (about a minute on 2 cores) to see it work")
    p.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the results saved in --out by the same settings; run what is missing",
    )
    p.add_argument("--out", type=Path, help="results folder (default docs/sensitivity; quick: results/...)")
    p.add_argument("--doc", type=Path, help="the markdown summary (default docs/sensitivity.md, else OUT/...)")
    p.add_argument("overrides", nargs="*", help="config overrides for every run (key=value)")
    return p


def _check(args: argparse.Namespace) -> str | None:
    """The first bad option, as a one-line message naming it; None when all are fine."""
    if args.days is not None and args.days < 1:
        return "--days must be at least 1"
    if args.trajectories < 2:
        return "--trajectories must be at least 2 (Morris needs two to estimate spread)"
    if args.seeds < 1:
        return "--seeds must be at least 1"
    if args.sobol_top < 0:
        return "--sobol-top must be 0 (no Sobol step) or more"
    if args.sobol_n < 2 or args.sobol_n & (args.sobol_n - 1):
        return f"--sobol-n must be a power of 2, at least 2 (got {args.sobol_n})"
    if args.seed < 0:
        return "--seed must be 0 or more"
    if args.jobs == 0 or args.jobs < -1:
        return "--jobs must be at least 1, or -1 for all cores"
    if args.parameters:
        try:
            chosen = parameters(args.parameters)
        except KeyError as err:
            return f"--parameters: {err.args[0]}"
        if len(set(args.parameters)) < len(args.parameters):
            return "--parameters names a key twice"
        count = len(chosen)
    else:
        count = len(ASSUMPTIONS)
    if args.sobol_top > count:
        return f"--sobol-top {args.sobol_top} is more than the {count} parameters screened"
    bad = next((o for o in args.overrides if "=" not in o or o.startswith("-")), None)
    if bad is not None:
        return f"'{bad}' is not an override (key=value)"
    return None


def settings_from(argv: Sequence[str]) -> tuple[Settings, Path, Path, bool]:
    """The settings and output paths of a command line; exits 2 naming the option for a bad value."""
    parser = _parser()
    args = parser.parse_args(list(argv))
    budget = QUICK if args.quick else FULL
    for name, value in budget.items():
        if getattr(args, name) is None and name != "days":
            setattr(args, name, value)
    if args.days is None:
        args.days = budget["days"]
    problem = _check(args)
    if problem:
        parser.error(problem)
    settings = Settings(
        scenario=args.scenario,
        days=args.days,
        trajectories=args.trajectories,
        seeds=args.seeds,
        sobol_top=args.sobol_top,
        sobol_n=args.sobol_n,
        seed=args.seed,
        jobs=args.jobs,
        quick=args.quick,
        overrides=tuple(args.overrides),
        keys=tuple(args.parameters) if args.parameters else None,
    )
    out = args.out or (QUICK_OUT if args.quick else DEFAULT_OUT)
    doc = args.doc or (DEFAULT_DOC if args.out is None and not args.quick else out / "sensitivity.md")
    return settings, out, doc, args.reuse


def main(argv: Sequence[str] | None = None, run: Evaluate = evaluate) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    settings, out, doc, again = settings_from(argv)
    # the command that makes these results from scratch (`--reuse` only renders them again)
    command = " ".join(["python -m sim.sensitivity", *(shlex.quote(a) for a in argv if a != "--reuse")])
    try:
        sim = _main_simulator(settings)  # composes the config: a bad scenario or override fails here, once
        with quiet_model(sim.base):
            if again:
                result = reuse(settings, out)
                sobol = " and Sobol indices" * bool(result.sobol_runs)
                print(f"reusing the screening{sobol} in {out}", file=sys.stderr)
            else:
                result = screen(settings, run)
                write_morris(settings, result, out, command)
            if settings.sobol_top and not result.sobol_runs:
                result = sobol_step(settings, result, run)
    except (ReuseError, ConfigError) as err:
        print(f"error: {' '.join(line.strip() for line in str(err).splitlines())}", file=sys.stderr)
        return 2
    except Exception as err:  # a composition error (an unknown scenario), in one line as `sim.run` gives it
        problem = config_file_problem(err)  # before OSError: Hydra's missing-config error is an IOError
        if problem is not None:
            print(f"error: {problem}", file=sys.stderr)
            return 2
        if isinstance(err, OSError):  # writing the screening's files
            print(f"error: {cannot_write(err, out)}", file=sys.stderr)
            return 1
        raise
    try:
        written = write(settings, result, out, doc, command)
    except OSError as err:
        print(f"error: {cannot_write(err, out)}", file=sys.stderr)
        return 1
    total = sum(result.seconds.values()) / 60
    print(f"wrote {', '.join(str(p) for p in written)} ({total:.1f} min)")
    return 0
