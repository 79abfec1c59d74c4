"""One simulation in this process: a parameter set and a seed in, the targets' values and key outputs out.

`Simulator` composes its scenario's config once (Hydra is not touched again), then each call copies it with the
given parameter values (`sim.inference.parameters.apply`), runs a `BorderModel` for the whole window and measures
the chosen targets. It holds no open resources and pickles, so worker processes (pyabc's samplers, joblib, Dask)
can each hold one.

`quiet_model` silences the model's per-run warning about dated inputs outside a short run while a command runs
many models, and says it once instead.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from sim.config import load_config, run_window_warnings, to_config
from sim.config.root import Config
from sim.core.model import BorderModel
from sim.inference.parameters import apply
from sim.inference.targets import Target, measure_all, targets, window_for

#: The model's logger (`sim.core.model`): it warns once per model built about dated inputs outside the run.
MODEL_LOG = logging.getLogger("sim.model")

#: The outputs a sensitivity analysis reads from a run (issue 13): per season, totals over the run.
OUTPUTS = (
    "poland_reported_attempts",
    "poland_crossings",
    "lithuania_crossings",
    "interception_rate",
    "deaths",
)


def outputs(daily: pd.DataFrame) -> dict[str, float]:
    """`OUTPUTS` from one run's daily table: the Polish Border Guard's reported attempts, people who got through
    to the interior per country, apprehension events / (apprehension events + crossings) over both lines, and
    deaths on both sides."""
    by_country = daily.groupby("country")[["reported_attempts", "crossings", "apprehensions", "deaths"]].sum()

    def total(country: str, column: str) -> float:
        return float(by_country.at[country, column]) if country in by_country.index else 0.0

    caught = total("poland", "apprehensions") + total("lithuania", "apprehensions")
    crossed = total("poland", "crossings") + total("lithuania", "crossings")
    return {
        "poland_reported_attempts": total("poland", "reported_attempts"),
        "poland_crossings": total("poland", "crossings"),
        "lithuania_crossings": total("lithuania", "crossings"),
        "interception_rate": caught / (caught + crossed) if caught + crossed > 0 else float("nan"),
        "deaths": float(by_country["deaths"].sum()),
    }


@contextlib.contextmanager
def quiet_model(*configs: Config) -> Iterator[None]:
    """Silence the model's per-run warning about dated inputs outside the run (one line per `BorderModel` built:
    right for one run, noise for thousands) inside the block, in this process.

    `configs`: the configs the runs inside share (the command's composed scenarios). Their warning is said once
    first, through the model's logger, unless an enclosing `quiet_model` has silenced it already. A forked worker
    (pyabc's multicore sampler) inherits the silence; a fresh one (joblib's loky, Dask) must enter it itself, so
    the functions run in workers do.
    """
    said = set()
    for cfg in configs:
        unreached = run_window_warnings(cfg)
        line = f"({cfg.start_date} + {cfg.days} days): {'; '.join(unreached)}"
        if unreached and line not in said:
            said.add(line)
            MODEL_LOG.warning("dated inputs outside these runs %s (said once here, not by each run)", line)
    level = MODEL_LOG.level
    MODEL_LOG.setLevel(logging.ERROR)
    try:
        yield
    finally:
        MODEL_LOG.setLevel(level)


@dataclass
class Simulator:
    """Runs `scenario` (with `overrides`, key=value as on the command line) for given parameter values and seeds.

    `uses`: which targets to measure (`fit`, `check`). Raises `sim.config.ConfigError` at construction for a bad
    override, and from a call for a value outside a key's allowed range.
    """

    scenario: str
    overrides: Sequence[str] = ()
    uses: Sequence[str] = ("fit",)
    base: Config = field(init=False)
    targets: list[Target] = field(init=False)

    def __post_init__(self) -> None:
        self.base = to_config(load_config([f"scenario={self.scenario}", "progress=false", *self.overrides]))
        window = window_for(self.base.start_date, self.base.days, self.scenario)
        self.targets = targets({self.scenario: window}, self.uses)

    def config(self, values: Mapping[str, float], seed: int) -> Config:
        """The scenario's config with `values` applied and `seed` set."""
        return apply(self.base, {**values, "seed": seed})

    def daily(self, values: Mapping[str, float], seed: int) -> pd.DataFrame:
        """One full run's daily table."""
        return BorderModel(self.config(values, seed)).run(progress=False).daily

    def __call__(self, values: Mapping[str, float], seed: int) -> np.ndarray:
        """Shape (len(self.targets),): the targets' values in one run."""
        return measure_all(self.daily(values, seed), self.targets)

    def run(self, values: Mapping[str, float], seed: int) -> tuple[np.ndarray, dict[str, float]]:
        """The targets' values and `OUTPUTS` of one run."""
        daily = self.daily(values, seed)
        return measure_all(daily, self.targets), outputs(daily)


@lru_cache(maxsize=8)
def shared_simulator(scenario: str, overrides: tuple[str, ...] = (), uses: tuple[str, ...] = ("fit",)) -> Simulator:
    """The `Simulator` of this process for these arguments, composed on first use and kept: a worker process
    (joblib, pyabc) runs many tasks on one composed config. Raises as `Simulator` does (nothing is cached then)."""
    return Simulator(scenario, overrides, uses)
