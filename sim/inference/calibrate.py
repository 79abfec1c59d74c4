"""`python -m sim.calibrate`: fit assumption parameters to one historical scenario's `fit` targets by ABC-SMC.

    python -m sim.calibrate --fit 2021 --force                      # autumn2021, the FITTED parameters
    python -m sim.calibrate --fit 2023 --parameters guards.p_see guards.lose_per_hour --population 200
    python -m sim.calibrate --fit 2021 --resume                     # continue a killed calibration
    python -m sim.calibrate --fit 2021 --dask tcp://10.0.0.5:8786   # on an existing Dask cluster

Method (docs/calibration.md): approximate Bayesian computation by sequential Monte Carlo (pyabc). The prior is
independent and uniform on each parameter's unit scale (`Parameter.from_unit`), so a parameter registered with a
log range is log-uniform over it. A particle's run uses a seed derived from its parameter values (a hash), so the
same values always give the same run. The distance is `sim.inference.targets.distance`: the weighted root mean
square log error over the scenario's `fit` targets (each figure weighted 1 / the size of its series). Epsilon is
the median distance of the previous generation (pyabc's quantile epsilon); the calibration stops after
`--generations` generations, when epsilon reaches `--min-epsilon`, or after the generation in which the
simulations reach `--max-simulations`. pyabc keeps its history in an SQLite database (`--db`), one generation at a
time, so `--resume` continues a killed calibration. The database holds the unit-scale values (0-1); every output
file holds natural units.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import hashlib
import json
import logging
import math
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from sim.cli.io import cannot_write, write_csv, write_json, write_parquet, write_text
from sim.cli.run import config_file_problem
from sim.config import ConfigError
from sim.inference.parameters import BY_KEY, Parameter, apply
from sim.inference.simulate import Simulator, quiet_model
from sim.inference.targets import Target, distance, weights

REPO = Path(__file__).resolve().parents[2]
#: The parameters fitted by default, per fit: the largest effects of the Morris screening of all assumptions on the
#: 2021 season (docs/sensitivity.md) that are behavioural assumptions, not scenario levers; the 2023 fit adds the
#: steel wall's breach chance and the sensors' detection, which act only where the wall stands (Morris: no effect
#: in 2021, where there is none).
FITTED_2021: tuple[str, ...] = (
    "guards.responders_per_alarm",
    "escort.group_size.median",
    "escort.stay_hours",
    "exposure.hazard_per_day",
    "barriers.razor_wire.p_breach",
    "migrant.walk_kmh_eu",
    "guards.p_see",
    "guards.capacity_per_hour",
)
FITTED: dict[str, tuple[str, ...]] = {
    "2021": FITTED_2021,
    "2023": (*FITTED_2021, "barriers.steel_wall.p_breach", "sensors.p_detect"),
}
#: The default name per fit: the 2021 fit is the shipped default of every scenario (`calibration: calibrated`).
NAMES = {"2021": "calibrated", "2023": "fit2023"}
#: `--fit` year -> the historical scenario whose `fit` targets are fitted.
FITS = {"2021": "autumn2021", "2023": "year2023"}
#: Equally weighted draws resampled from the posterior into draws.parquet, with a fixed seed.
N_DRAWS = 100
DRAWS_SEED = 13
#: The epsilon quantile: each generation accepts runs closer than the median distance of the last one.
ALPHA = 0.5
#: The prior's share of each generation's proposal (sim/inference/proposal.py): every importance weight is then at
#: most 1 / 0.1 = 10 times the prior density.
DEFENSIVE_SHARE = 0.1
#: Seconds to wait for a Dask scheduler before saying it cannot be reached.
DASK_TIMEOUT = 5
#: Every file a calibration writes into --out (progress.log grows while it runs; the rest come at the end).
OUTPUT_FILES = (
    "posterior.parquet",
    "draws.parquet",
    "epsilons.csv",
    "marginals.png",
    "pairs.png",
    "epsilon.png",
    "summary.json",
    "progress.log",
    "predictive.csv",
    "predictive_series.png",
)


class OptionError(Exception):
    """A command-line option that cannot work: reported in one line, exit 2, before any simulation."""


def seed_for(unit_values: Sequence[float]) -> int:
    """A model seed from a particle's parameter values: the same values always run with the same seed."""
    data = np.asarray(unit_values, dtype=np.float64).tobytes()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little") & (2**63 - 1)


@dataclass
class Model:
    """pyabc's model: a particle (unit-scale values named by dotted key) -> {"stats": the fit targets' values}.

    Pickles (a module-level class holding a `Simulator`), so Dask workers can run it; multicore workers inherit it.
    Values that together break a config cross-check give NaN statistics (no run), which `Distance` rejects.
    """

    simulator: Simulator
    keys: tuple[str, ...]

    def natural(self, particle: Mapping[str, float]) -> dict[str, float]:
        return {key: float(BY_KEY[key].from_unit(float(particle[key]))) for key in self.keys}

    def __call__(self, particle: Mapping[str, float]) -> dict[str, np.ndarray]:
        seed = seed_for([float(particle[key]) for key in self.keys])
        try:
            with quiet_model():  # in a Dask worker too (forked workers inherit the main process's silence)
                return {"stats": self.simulator(self.natural(particle), seed)}
        except ConfigError:  # values that together break a cross-check (a breach chance x a terrain factor > 1)
            return {"stats": np.full(len(self.simulator.targets), np.nan)}


@dataclass
class Distance:
    """pyabc's distance: `sim.inference.targets.distance` of a run's target values (the record is in the targets);
    infinite for a particle the config refused."""

    targets: list[Target]

    def __call__(self, x: Mapping[str, Any], x_0: Mapping[str, Any]) -> float:
        stats = np.asarray(x["stats"], dtype=float)
        if np.isnan(stats).all():  # a particle the config refused (`Model`): never accepted
            return float("inf")
        return float(distance(stats, self.targets))


# --- options -------------------------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2 (argparse prints the usage too)
        print(f"error: {message} (python -m sim.calibrate --help)", file=sys.stderr)
        sys.exit(2)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m sim.calibrate", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--fit", required=True, choices=sorted(FITS), help="the scenario: 2021 (autumn2021), 2023 (year2023)"
    )
    p.add_argument(
        "--parameters",
        nargs="+",
        metavar="KEY",
        help="registered keys (default: the fit's FITTED keys in sim/inference/calibrate.py)",
    )
    p.add_argument("--name", help="the calibration's name (default calibrated for 2021, fit2023)")
    p.add_argument("--population", type=int, default=100, help="particles per generation (default 100)")
    p.add_argument("--generations", type=int, default=6, help="at most this many generations in all (default 6)")
    p.add_argument(
        "--max-simulations",
        type=int,
        default=2500,
        help="stop after the generation that reaches this many runs (default 2500)",
    )
    p.add_argument("--min-epsilon", type=float, default=0.0, help="stop once epsilon is at most this (default 0)")
    p.add_argument(
        "--defensive",
        type=float,
        default=DEFENSIVE_SHARE,
        metavar="SHARE",
        help=f"the prior's share of each generation's proposal, 0 to <1 (default {DEFENSIVE_SHARE}; 0: pyabc's kernel "
        "alone; sim/inference/proposal.py)",
    )
    p.add_argument("--cores", type=int, help="local worker processes (default: all cores)")
    p.add_argument("--dask", metavar="tcp://HOST:PORT", help="run on this Dask scheduler's workers instead")
    p.add_argument("--seed", type=int, default=0, help="seeds numpy's global random state (default 0)")
    p.add_argument("--db", type=Path, help="the history database (default results/calibration/<name>/history.db)")
    p.add_argument("--resume", action="store_true", help="continue the calibration in --db")
    p.add_argument("--out", type=Path, help="the results folder (default calibration/<name>)")
    p.add_argument("--config-out", type=Path, help="the config option (default configs/calibration/<name>.yaml)")
    p.add_argument("--force", action="store_true", help="overwrite the results of an earlier calibration in --out")
    p.add_argument(
        "--override", action="append", default=[], metavar="KEY=VALUE", help="config override for every run (repeat)"
    )
    p.add_argument(
        "--check-draws",
        type=int,
        default=20,
        help="posterior draws in the posterior predictive check written at the end (default 20; 0 skips it)",
    )
    p.add_argument("--check-seeds", type=int, default=2, help="seeds per draw in that check (default 2)")
    return p


def same_calibration(out: Path, db: Path) -> bool:
    """Whether `out` holds the outputs of the calibration kept in `db` (its summary.json names that database):
    `--resume` may then rewrite them with the longer history."""
    try:
        return Path(json.loads((out / "summary.json").read_text(encoding="utf-8"))["db"]) == db.resolve()
    except (OSError, ValueError, KeyError, TypeError):
        return False


@dataclass
class Settings:
    """The checked options of one calibration."""

    fit: str
    scenario: str
    name: str
    parameters: tuple[Parameter, ...]
    population: int
    generations: int
    max_simulations: int | None
    min_epsilon: float
    defensive: float
    cores: int
    dask: str | None
    seed: int
    db: Path
    resume: bool
    out: Path
    config_out: Path
    force: bool
    overrides: list[str]
    check_draws: int
    check_seeds: int
    command: str = ""
    keys: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.keys = tuple(p.key for p in self.parameters)

    def stored(self) -> dict[str, Any]:
        """What must match when a calibration is resumed (kept in the database)."""
        return {
            "fit": self.fit,
            "parameters": list(self.keys),
            "population": self.population,
            "overrides": list(self.overrides),
            "defensive": self.defensive,
        }


def check(args: argparse.Namespace, argv: Sequence[str]) -> Settings:
    """The options, checked before anything runs; raises `OptionError` naming the option."""
    keys = tuple(args.parameters or FITTED[args.fit])
    for key in keys:
        if key not in BY_KEY:
            raise OptionError(
                f"--parameters: {key} is not a registered assumption parameter (sim/inference/parameters.py)"
            )
    if len(set(keys)) < len(keys):
        raise OptionError("--parameters: a key is given twice")
    if args.population < 2:
        raise OptionError(f"--population must be at least 2 (got {args.population})")
    if args.generations < 1:
        raise OptionError(f"--generations must be at least 1 (got {args.generations})")
    if args.max_simulations is not None and args.max_simulations < 1:
        raise OptionError(f"--max-simulations must be at least 1 (got {args.max_simulations})")
    if not math.isfinite(args.min_epsilon) or args.min_epsilon < 0:
        raise OptionError(f"--min-epsilon must be a number >= 0 (got {args.min_epsilon})")
    if not math.isfinite(args.defensive) or not 0 <= args.defensive < 1:
        raise OptionError(f"--defensive must be a share from 0 to below 1 (got {args.defensive})")
    if args.cores is not None and args.cores < 1:
        raise OptionError(f"--cores must be at least 1 (got {args.cores})")
    if args.cores is not None and args.dask:
        raise OptionError("--cores is for local workers; with --dask the cluster's workers run the model")
    if args.seed < 0:
        raise OptionError(f"--seed must be >= 0 (got {args.seed})")
    for item in args.override:
        if "=" not in item:
            raise OptionError(f"--override {item}: expected KEY=VALUE")
        if item.split("=", 1)[0].lstrip("+~") in ("scenario", "seed"):
            raise OptionError(f"--override {item}: the scenario comes from --fit, and each run's seed from its values")
    name = args.name or NAMES[args.fit]
    if not name or "/" in name or name.startswith("."):
        raise OptionError(f"--name {name!r}: a plain name (a file name without folders) is needed")
    db = args.db or REPO / "results" / "calibration" / name / "history.db"
    out = args.out or REPO / "calibration" / name
    config_out = args.config_out or REPO / "configs" / "calibration" / f"{name}.yaml"
    if args.resume and not db.is_file():
        raise OptionError(f"--resume: there is no calibration database at {db} (--db)")
    if not args.resume and db.exists():
        raise OptionError(
            f"--db {db} already holds a calibration: pass --resume to continue it, or another --db (never overwritten)"
        )
    if not args.force and not (args.resume and same_calibration(out, db)):
        earlier = [f for f in OUTPUT_FILES if (out / f).exists() and not (args.resume and f == "progress.log")]
        if earlier:
            raise OptionError(
                f"--out {out} holds an earlier calibration's {', '.join(earlier)}: pass --force to overwrite"
            )
        if config_out.exists():
            raise OptionError(f"--config-out {config_out} exists: pass --force to overwrite it")
    if out.exists() and not out.is_dir():
        raise OptionError(f"--out {out} is a file, not a folder")
    if args.check_draws < 0 or args.check_draws > N_DRAWS:
        raise OptionError(f"--check-draws must be 0 (no check) to {N_DRAWS} (got {args.check_draws})")
    if args.check_seeds < 1:
        raise OptionError(f"--check-seeds must be at least 1 (got {args.check_seeds})")
    return Settings(
        fit=args.fit,
        scenario=FITS[args.fit],
        name=name,
        parameters=tuple(BY_KEY[k] for k in keys),
        population=args.population,
        generations=args.generations,
        max_simulations=args.max_simulations,
        min_epsilon=args.min_epsilon,
        defensive=args.defensive,
        cores=args.cores or os.cpu_count() or 1,
        dask=args.dask,
        seed=args.seed,
        db=db.resolve(),
        resume=args.resume,
        out=out,
        config_out=config_out,
        force=args.force,
        overrides=list(args.override),
        check_draws=args.check_draws,
        check_seeds=args.check_seeds,
        command="python -m sim.calibrate " + " ".join(argv),
    )


def simulator(settings: Settings) -> Simulator:
    """The scenario composed once (with --override); raises `OptionError` for a bad override or no fit target."""
    try:
        sim = Simulator(settings.scenario, settings.overrides, uses=("fit",))
    except ConfigError as err:
        raise OptionError("--override: " + " ".join(str(err).split())) from None
    except Exception as err:  # a composition error (an unknown key or option), in one line as `sim.run` gives it
        problem = config_file_problem(err)
        if problem is None:
            raise
        raise OptionError("--override: " + " ".join(problem.split())) from None
    for p in settings.parameters:  # every value of the prior range must be one the config allows
        for end in (0.0, 1.0):
            try:
                apply(sim.base, {p.key: float(p.from_unit(end))})
            except ConfigError as err:
                problem = " ".join(str(err).split())
                raise OptionError(f"--parameters {p.key}: its prior range does not fit: {problem}") from None
    if not sim.targets:
        raise OptionError(
            f"--override: the run window ({sim.base.start_date}, {sim.base.days} days) holds none of "
            f"{settings.scenario}'s fit targets (data/border-facts.csv)"
        )
    return sim


def connect(address: str) -> Any:
    """A Dask client on the scheduler at `address`; raises `OptionError` when none answers in time."""
    from dask.distributed import Client

    try:
        client = Client(address, timeout=DASK_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as err:
        raise OptionError(f"--dask {address}: no Dask scheduler answered within {DASK_TIMEOUT} s ({err})") from None
    if not client.ncores():
        client.close()
        raise OptionError(f"--dask {address}: the scheduler has no workers (start some with `dask worker {address}`)")
    return client


def read_stored(db: Path) -> dict[str, Any]:
    """The settings a calibration stored in its database (`Settings.stored`)."""
    from pyabc import History

    history = History(f"sqlite:///{db}", create=False)
    history.id = 1
    try:
        text = history.get_abc().json_parameters
        return ast.literal_eval(text) if text else {}
    except (ValueError, SyntaxError):
        return {}


def check_resume(settings: Settings) -> None:
    stored = read_stored(settings.db)
    stored.setdefault("defensive", 0.0)  # calibrations stored before --defensive existed used pyabc's kernel alone
    option = {
        "fit": "--fit",
        "parameters": "--parameters",
        "population": "--population",
        "overrides": "--override",
        "defensive": "--defensive",
    }
    for key, value in settings.stored().items():
        if key in stored and stored[key] != value:
            raise OptionError(
                f"{option[key]}: the calibration in {settings.db} was started with {stored[key]!r}, not {value!r}"
            )


# --- running -------------------------------------------------------------------------------------------------------


def _quiet_pyabc() -> None:
    logging.getLogger("ABC").setLevel(logging.WARNING)


def warm_up(sim: Simulator) -> None:
    """Run one day in this process, so that forked workers inherit the compiled loops (numba) instead of each
    loading them again every generation."""
    from sim.core.model import BorderModel

    with quiet_model():
        BorderModel(apply(sim.base, {"days": 1})).run(progress=False)


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


@dataclass
class Progress:
    """One line per generation on the screen and in --out/progress.log (rewritten atomically each time)."""

    path: Path
    generations: int
    budget: int | None
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.path.is_file():
            self.lines = self.path.read_text(encoding="utf-8").splitlines()

    def say(self, line: str) -> None:
        print(line, flush=True)
        self.lines.append(line)
        write_text(self.path, "\n".join(self.lines) + "\n")

    def generation(self, row: pd.Series, total: int, elapsed: float, per_generation: float) -> None:
        left = (self.generations - 1 - int(row.generation)) * per_generation
        if self.budget is not None and total > 0:
            left = min(left, max(0, self.budget - total) * elapsed / total)
        self.say(
            f"generation {int(row.generation) + 1}/{self.generations}: epsilon {row.epsilon:.4g}, accepted "
            f"{int(row.accepted)}/{int(row.simulations)} ({row.acceptance_rate:.0%}), effective sample size "
            f"{row.effective_sample_size:.0f}, {total} simulations so far, "
            f"{duration(elapsed)} elapsed, about {duration(left)} left"
        )


def generations_table(history: Any) -> pd.DataFrame:
    """epsilons.csv: one row per finished generation (its effective sample size is Kish's, of its weights)."""
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].sort_values("t")
    counts = history.get_nr_particles_per_population()
    accepted = [int(counts.get(t, 0)) for t in pops["t"]]
    ess = [effective_sample_size(np.asarray(history.get_distribution(m=0, t=int(t))[1])) for t in pops["t"]]
    return pd.DataFrame(
        {
            "generation": pops["t"].astype(int).to_numpy(),
            "epsilon": pops["epsilon"].astype(float).to_numpy(),
            "accepted": accepted,
            "simulations": pops["samples"].astype(int).to_numpy(),
            "acceptance_rate": np.array(accepted) / pops["samples"].astype(float).to_numpy(),
            "effective_sample_size": ess,
            "seconds": pops["wall_time"].astype(float).fillna(0.0).to_numpy(),
        }
    )


def calibrate(settings: Settings, sim: Simulator, sampler: Any, progress: Progress) -> tuple[Any, float]:
    """Run the remaining generations, one at a time; returns pyabc's history and the seconds this took."""
    import pyabc

    from sim.inference.proposal import DefensiveTransition

    _quiet_pyabc()
    model = Model(sim, settings.keys)
    prior = pyabc.Distribution(**{key: pyabc.RV("uniform", 0, 1) for key in settings.keys})
    observed = {"stats": np.array([t.observed for t in sim.targets])}
    url = f"sqlite:///{settings.db}"
    start = time.perf_counter()
    first = not settings.resume
    history = None
    started_with: int | None = None  # generations in the database when this process started
    while True:
        # a fresh ABCSMC per generation, loading the database: each generation starts as a resumed one does
        abc = pyabc.ABCSMC(
            model,
            prior,
            Distance(sim.targets),
            population_size=settings.population,
            eps=pyabc.QuantileEpsilon(alpha=ALPHA),
            transitions=DefensiveTransition(settings.defensive),
            sampler=sampler,
        )
        if first:
            settings.db.parent.mkdir(parents=True, exist_ok=True)
            abc.new(url, observed, meta_info=settings.stored())
            first = False
        else:
            abc.load(url, 1)
        done = abc.history.n_populations
        started_with = done if started_with is None else started_with
        total = abc.history.total_nr_simulations or 0
        last = generations_table(abc.history) if done else None
        if done >= settings.generations:
            why = f"{done} generations (--generations)"
        elif last is not None and last["epsilon"].iloc[-1] <= settings.min_epsilon:
            why = f"epsilon {last['epsilon'].iloc[-1]:.4g} <= --min-epsilon"
        elif settings.max_simulations is not None and total >= settings.max_simulations:
            why = f"{total} simulations (--max-simulations {settings.max_simulations})"
        else:
            why = None
        if why is not None:
            progress.say(f"stopped after {why}")
            history = abc.history
            break
        budget = np.inf if settings.max_simulations is None else settings.max_simulations  # pyabc: in all
        history = abc.run(minimum_epsilon=settings.min_epsilon, max_nr_populations=1, max_total_nr_simulations=budget)
        if history.n_populations == done:
            progress.say("stopped: pyabc could not complete a generation")
            break
        table = generations_table(history)
        elapsed = time.perf_counter() - start
        ran_here = max(1, history.n_populations - started_with)
        progress.generation(table.iloc[-1], history.total_nr_simulations, elapsed, elapsed / ran_here)
    return history, time.perf_counter() - start


def make_sampler(settings: Settings, client: Any) -> Any:
    import pyabc

    _quiet_pyabc()
    if client is not None:
        return pyabc.sampler.DaskDistributedSampler(dask_client=client, batch_size=1)
    return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=settings.cores)


# --- outputs -------------------------------------------------------------------------------------------------------


def weighted_quantiles(x: np.ndarray, w: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """Quantiles of values `x` with weights `w` (the weighted empirical distribution, interpolated)."""
    order = np.argsort(x)
    x, w = np.asarray(x, dtype=float)[order], np.asarray(w, dtype=float)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(qs, cdf, x)


def posterior(history: Any, keys: Sequence[str]) -> pd.DataFrame:
    """The last generation's particles: one column per key in natural units, and `weight` (sums to 1)."""
    df, w = history.get_distribution(m=0, t=history.max_t)
    table = pd.DataFrame({key: BY_KEY[key].from_unit(df[key].to_numpy(dtype=float)) for key in keys})
    table["weight"] = np.asarray(w, dtype=float) / np.sum(w)
    return table.reset_index(drop=True)


def draws(post: pd.DataFrame, keys: Sequence[str], n: int = N_DRAWS, seed: int = DRAWS_SEED) -> pd.DataFrame:
    """`n` equally weighted draws resampled (with replacement) from the weighted particles, with a fixed seed."""
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(post), size=n, replace=True, p=post["weight"].to_numpy())
    out = post.iloc[rows][list(keys)].reset_index(drop=True).astype(float)
    out.insert(0, "draw", np.arange(n, dtype=np.int64))
    return out


def estimates(post: pd.DataFrame, keys: Sequence[str]) -> dict[str, dict[str, float]]:
    """Per key: the weighted posterior median and the 5% and 95% quantiles."""
    w = post["weight"].to_numpy()
    result = {}
    for key in keys:
        low, median, high = weighted_quantiles(post[key].to_numpy(), w, (0.05, 0.5, 0.95))
        result[key] = {"median": float(median), "q05": float(low), "q95": float(high)}
    return result


def number(value: float, integer: bool) -> str:
    """A YAML number: rounded for int fields, else three significant digits written out (no exponent)."""
    if integer:
        return str(round(value))
    return np.format_float_positional(float(value), precision=3, unique=True, fractional=False, trim="0")


def is_int_field(sim: Simulator, key: str) -> bool:
    obj: Any = sim.base
    for part in key.split("."):
        obj = getattr(obj, part)
    return isinstance(obj, int) and not isinstance(obj, bool)


def fitted_to(targets: Sequence[Target]) -> str:
    """`PL attempted_illegal_crossings_from_BY x4, ...`: the fitted series in file order."""
    counts: dict[tuple[str, str], int] = {}
    for t in targets:
        counts[t.group] = counts.get(t.group, 0) + 1
    return ", ".join(f"{c} {m}" + (f" x{n}" if n > 1 else "") for (c, m), n in counts.items())


def relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def config_yaml(
    settings: Settings, sim: Simulator, est: Mapping[str, Mapping[str, float]], n_sims: int, secs: float
) -> str:
    """The config option `configs/calibration/<name>.yaml`: the posterior medians as config values."""
    series = fitted_to(sim.targets)
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    lines = [
        "# @package _global_",
        f"# fitted by `{settings.command}` on {today}: ABC-SMC posterior median, {n_sims} simulations, "
        f"{duration(secs)}",
        "calibration:",
        f"  name: {settings.name}",
        f"  posterior: {relative(settings.out / 'draws.parquet')}",
        f'  fitted_to: "{settings.scenario} fit targets of data/border-facts.csv: {series}"',
    ]
    tree: dict[str, Any] = {}
    for key in settings.keys:
        node = tree
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = key

    def emit(node: dict[str, Any], depth: int) -> None:
        for name, child in node.items():
            pad = "  " * depth
            if isinstance(child, dict):
                lines.append(f"{pad}{name}:")
                emit(child, depth + 1)
                continue
            integer = is_int_field(sim, child)
            e = est[child]
            value = f"{pad}{name}: {number(e['median'], integer)}"
            interval = f"{number(e['q05'], integer)}-{number(e['q95'], integer)}"
            lines.append(
                f"{value:<30}# fitted (ABC-SMC posterior median; 90% interval {interval}) to {settings.scenario} "
                "fit targets"
            )

    emit(tree, 0)
    return "\n".join(lines) + "\n"


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of weighted particles, 1 / sum(w^2) for weights summing to 1: how many equally
    weighted particles the posterior is worth (the draws resampled from it repeat the heavy ones)."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w**2).sum())


def summary(settings: Settings, sim: Simulator, history: Any, table: pd.DataFrame, secs: float, sampler: str) -> dict:
    import pyabc

    est = estimates(posterior(history, settings.keys), settings.keys)
    w = weights(sim.targets)
    total = int(history.total_nr_simulations or 0)
    return {
        "command": settings.command,
        "name": settings.name,
        "fit": settings.fit,
        "scenario": settings.scenario,
        "overrides": settings.overrides,
        "targets": [
            {"name": t.name, "weight": float(wi), "low": t.bounds[0], "high": t.bounds[1]}
            for t, wi in zip(sim.targets, w, strict=True)
        ],
        "distance": "weighted root mean square log error (sim.inference.targets.distance); weight 1 / series size",
        "parameters": [
            {"key": p.key, "low": p.low, "high": p.high, "prior": "log-uniform" if p.log else "uniform", "why": p.why}
            for p in settings.parameters
        ],
        "posterior": est,
        "proposal": f"defensive mixture: {settings.defensive} x prior + {1 - settings.defensive:.4g} x pyabc's "
        "MultivariateNormalTransition (sim/inference/proposal.py)",
        "budget": {
            "population": settings.population,
            "generations": settings.generations,
            "max_simulations": settings.max_simulations,
            "min_epsilon": settings.min_epsilon,
        },
        "generations_run": len(table),
        "effective_sample_size": effective_sample_size(posterior(history, settings.keys)["weight"].to_numpy()),
        "simulations": total,
        "prior_calibration_simulations": total - int(table["simulations"].sum()),
        "seconds_this_session": secs,
        "seconds_all_generations": float(table["seconds"].sum()),
        "simulations_per_hour": float(table["simulations"].sum() / table["seconds"].sum() * 3600)
        if table["seconds"].sum() > 0
        else None,
        "sampler": sampler,
        "cores": settings.cores if settings.dask is None else None,
        "machine_cores": os.cpu_count(),
        "seed": settings.seed,
        "db": str(settings.db),
        "resumed": settings.resume,
        "pyabc": pyabc.__version__,
        "epsilon": f"quantile {ALPHA} of the previous generation's distances",
        "draws": {"n": N_DRAWS, "seed": DRAWS_SEED},
    }


def write_outputs(settings: Settings, sim: Simulator, history: Any, secs: float, sampler: str) -> dict:
    from sim.inference import calibration_plots as plots

    out = settings.out
    table = generations_table(history)
    post = posterior(history, settings.keys)
    est = estimates(post, settings.keys)
    info = summary(settings, sim, history, table, secs, sampler)
    write_parquet(out / "posterior.parquet", post)
    write_parquet(out / "draws.parquet", draws(post, settings.keys))
    write_csv(out / "epsilons.csv", table)
    plots.marginals(post, settings.parameters, est, out / "marginals.png")
    plots.pairs(post, settings.parameters, out / "pairs.png")
    plots.epsilons(table, out / "epsilon.png")
    write_json(out / "summary.json", info)
    write_text(
        settings.config_out, config_yaml(settings, sim, est, info["simulations"], info["seconds_all_generations"])
    )
    return info


# --- the command ---------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    client = None
    try:
        settings = check(args, argv)
        if settings.resume:
            check_resume(settings)
        sim = simulator(settings)
        if settings.dask:
            client = connect(settings.dask)
    except OptionError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    np.random.seed(settings.seed)  # pyabc draws from numpy's global state in this process (never the model)
    try:
        settings.out.mkdir(parents=True, exist_ok=True)
        progress = Progress(settings.out / "progress.log", settings.generations, settings.max_simulations)
        where = f"Dask scheduler {settings.dask}" if client is not None else f"{settings.cores} local processes"
        progress.say(
            f"{'resuming' if settings.resume else 'calibrating'} {settings.name}: {len(settings.keys)} parameters "
            f"against {len(sim.targets)} {settings.scenario} fit targets, population {settings.population}, "
            f"up to {settings.generations} generations, on {where}"
        )
        with quiet_model(sim.base):  # the model's warning about a short run once, not once per simulation
            if client is None:
                warm_up(sim)
            sampler = make_sampler(settings, client)
            history, secs = calibrate(settings, sim, sampler, progress)
            info = write_outputs(settings, sim, history, secs, type(sampler).__name__)
            if settings.check_draws:
                from sim.inference.predictive import predictive_check

                progress.say(
                    f"posterior predictive check: {settings.check_draws} draws x {settings.check_seeds} seeds of "
                    f"{settings.scenario}, every fit and check figure"
                )
                predictive_check(
                    settings.out / "draws.parquet",
                    settings.scenario,
                    settings.out,
                    settings.check_draws,
                    settings.check_seeds,
                    settings.overrides,
                    settings.cores,
                )
    except OSError as err:
        print(f"error: {cannot_write(err)}", file=sys.stderr)
        return 1
    finally:
        if client is not None:
            client.close()
    written = [f for f in OUTPUT_FILES if settings.check_draws or not f.startswith("predictive")]
    print(
        f"wrote {settings.out} ({', '.join(written)}) and {settings.config_out}: {info['generations_run']} "
        f"generations, {info['simulations']} simulations; history in {settings.db}"
    )
    return 0
