"""A Hydra sweeper that validates every job of a sweep before any job runs, in an absolute sweep directory.

Hydra's basic sweeper composes each job's config up front (so a wrong key or type fails early) but never checks
ranges, dates or border sections: those would fail only inside their own job, after others had run. This
sweeper runs the model's full validation (`sim.config.to_config`, a job's overrides against its posterior draw,
and the experiment block's name against the experiment file chosen) on every composed job config first and stops
the sweep, naming the job's overrides and the key, before launching anything.

Before that, its `setup` makes the sweep directory absolute (against the directory the sweep was started in),
whatever the launcher: a job resolves a relative `hydra.sweep.dir` against its own working directory, which on a
Ray worker or a cluster node is not the driver's, so its outputs would land where the aggregation never looks.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from sim.config import ConfigError, to_config, troop_ramp_warnings
from sim.config.draws import override_conflicts
from sim.config.experiment import experiment_file_problem

SWEEP_DIR_KEY = "hydra.sweep.dir"


def quote_override_value(value: str) -> str:
    """`value` as a single-quoted Hydra override value that parses back to the same string (a path may hold
    spaces, commas, `=`, brackets or quotes, all of which mean something in the override grammar)."""
    escaped = re.sub(r"(\\+)$", lambda m: m.group(1) * 2, value)  # a trailing backslash would escape the quote
    escaped = re.sub(r"(\\*)'", lambda m: m.group(1) * 2 + "\\'", escaped)  # quotes and the backslashes before
    return "'" + escaped.replace("${", "\\${") + "'"  # a literal ${ is not an interpolation


def make_sweep_dir_absolute(config: DictConfig, cwd: Path | None = None) -> Path:
    """Resolve `hydra.sweep.dir` (interpolations such as `${now:...}` included) to an absolute path against `cwd`
    (the current directory by default) and make every job see it.

    The jobs' configs are composed again from `hydra.overrides.hydra` (Hydra's `load_sweep_config`), not copied
    from `config`, so the absolute path goes in there too, replacing any `hydra.sweep.dir=...` override. Returns
    the absolute sweep directory.
    """
    base = Path.cwd() if cwd is None else Path(cwd).absolute()
    sweep_dir = Path(os.path.normpath(base / str(config.hydra.sweep.dir)))
    parser = OverridesParser.create()
    # read unresolved: an override may hold an interpolation resolved only per job (`${hydra.job.num}`)
    given = OmegaConf.to_container(config.hydra.overrides.hydra, resolve=False)
    assert isinstance(given, list)
    overrides = [o for o in given if parser.parse_override(str(o)).key_or_group != SWEEP_DIR_KEY]
    with read_write(config.hydra), open_dict(config.hydra):
        config.hydra.sweep.dir = str(sweep_dir)
        config.hydra.overrides.hydra = [*overrides, f"{SWEEP_DIR_KEY}={quote_override_value(str(sweep_dir))}"]
    return sweep_dir


class ValidatingSweeper(BasicSweeper):
    """`BasicSweeper` plus an absolute sweep directory and the model's range and cross-field checks on every job
    of a batch."""

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig) -> None:
        """Make the sweep directory absolute, then set up as `BasicSweeper` does (which instantiates the launcher
        with this config)."""
        make_sweep_dir_absolute(config)
        super().setup(hydra_context=hydra_context, task_function=task_function, config=config)

    #: Whether this sweep has printed its troop-ramp warning (once per sweep, whatever the number of batches).
    warned_ramp = False

    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Compose every job (as the parent class does, which this replaces) and validate it; then warn, once per
        sweep, of troop levels the jobs set that a dated ramp scales down (`troop_ramp_warnings`)."""
        assert self.hydra_context is not None and self.config is not None
        loader = self.hydra_context.config_loader
        jobs = []
        for overrides in batch:
            job_cfg = loader.load_sweep_config(master_config=self.config, sweep_overrides=list(overrides))
            try:
                config = to_config(job_cfg)
                override_conflicts(config, overrides)
                chosen = OmegaConf.select(job_cfg, "hydra.runtime.choices.experiment")
                problem = experiment_file_problem(config.experiment.name, chosen)
                if problem:
                    raise ConfigError(problem)
            except ConfigError as err:
                print(f"error: job [{' '.join(overrides)}] {err}\nno job of the sweep was started", file=sys.stderr)
                sys.exit(2)
            jobs.append((config, overrides))
        warnings = [] if self.warned_ramp else troop_ramp_warnings(jobs, self.troop_levels())
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
        self.warned_ramp = self.warned_ramp or bool(warnings)

    def troop_levels(self) -> dict[str, list[float]]:
        """The troop levels every job of the sweep sets by an override (`troops.poland=3000`), by country, read
        from the overrides of all batches (the ramp warning names them all while only the first batch is
        composed)."""
        levels: dict[str, list[float]] = {}
        for batch in self.overrides or []:
            for overrides in batch:
                for override in overrides:
                    key, _, value = str(override).partition("=")
                    country = key.lstrip("+~").removeprefix("troops.")
                    if country in ("poland", "lithuania") and key.lstrip("+~") == f"troops.{country}":
                        try:
                            levels.setdefault(country, []).append(float(value))
                        except ValueError:
                            continue
        return levels
