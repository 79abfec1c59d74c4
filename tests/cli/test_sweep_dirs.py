"""Sweep directories are absolute before any job starts, whatever the launcher (ValidatingSweeper.setup).

A job resolves a relative `hydra.sweep.dir` against its own working directory; on a Ray worker or a cluster node
that is not the directory the sweep was started in, so its outputs would land where the aggregation never looks.
Here the sweeps start in a directory of their own (not the repository), and every job's config must name the
absolute directory. The Ray launcher itself runs in tests/cli/test_ray_cluster.py (`make test-ray`).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest
from commands import printed, run_module
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import OmegaConf

from hydra_plugins.borderflow_sweeper.validating_sweeper import quote_override_value

#: Two jobs of one simulated day each.
SMALL = ("fence=none,steel_wall", "days=1")


def _sweep_dir_overrides(overrides: list[str]) -> list[str]:
    return [o for o in overrides if o.lstrip("+~").startswith("hydra.sweep.dir=")]


def _assert_absolute_everywhere(sweep_dir: Path, result: subprocess.CompletedProcess[str], n_jobs: int) -> None:
    """The sweep ran in `sweep_dir` (absolute), and its multirun.yaml and every job's own config say so."""
    assert sweep_dir.is_absolute()
    assert result.returncode == 0, printed(result)
    # the aggregation (at the end of the sweep, in the driver) found every job's outputs
    assert len(pd.read_csv(sweep_dir / "summary.csv")) == n_jobs, printed(result)
    multirun = OmegaConf.load(sweep_dir / "multirun.yaml")
    assert multirun.hydra.sweep.dir == str(sweep_dir)
    assert _sweep_dir_overrides(list(multirun.hydra.overrides.hydra)) == [
        f"hydra.sweep.dir={quote_override_value(str(sweep_dir))}"
    ]
    for job in range(n_jobs):
        job_hydra = OmegaConf.load(sweep_dir / str(job) / ".hydra" / "hydra.yaml").hydra
        assert job_hydra.sweep.dir == str(sweep_dir)
        assert job_hydra.runtime.output_dir == str(sweep_dir / str(job))
        assert (sweep_dir / str(job) / "summary.json").is_file()


def test_a_relative_sweep_dir_becomes_absolute_for_every_job(tmp_path):
    """joblib, with a relative directory whose name holds what Hydra's override grammar treats specially."""
    name = "my sweep, it's [1]"
    result = run_module(
        "sim.run", "-m", *SMALL, "hydra.sweep.dir='my sweep, it\\'s [1]'", "hydra/launcher=joblib", cwd=tmp_path
    )
    _assert_absolute_everywhere(tmp_path / name, result, 2)


def test_the_default_sweep_dir_becomes_absolute(tmp_path):
    """Hydra's basic launcher and the default `results/sweeps/${now:...}`: resolved once, in the driver."""
    result = run_module("sim.run", "-m", *SMALL, cwd=tmp_path)
    (sweep_dir,) = (tmp_path / "results" / "sweeps").iterdir()
    _assert_absolute_everywhere(sweep_dir, result, 2)


@pytest.mark.slow
def test_submitit_local_runs_in_the_absolute_sweep_dir(tmp_path):
    result = run_module(
        "sim.run", "-m", *SMALL, "hydra.sweep.dir=sub/sweep", "hydra/launcher=submitit_local", cwd=tmp_path
    )
    _assert_absolute_everywhere(tmp_path / "sub" / "sweep", result, 2)
    # submitit's own folder follows the sweep dir (${hydra.sweep.dir}/.submitit)
    assert (tmp_path / "sub" / "sweep" / ".submitit").is_dir()


@pytest.mark.parametrize(
    "path",
    [
        "/plain/dir",
        "/a dir/with spaces",
        "/x/it's",
        "/x/a,b=c:d",
        "/x/[1]/{2}/(3)",
        "/x/back\\slash",
        "/x/trailing\\",
        "/x/quote\\'",
        "/x/not ${an} interpolation",
        "/x/~user/é",
    ],
)
def test_a_quoted_override_value_reads_back_as_the_same_path(path):
    override = OverridesParser.create().parse_override(f"hydra.sweep.dir={quote_override_value(path)}")
    assert override.key_or_group == "hydra.sweep.dir"
    # as Hydra puts it into the config: a string node, read back with OmegaConf's escapes applied
    assert OmegaConf.create({"dir": override.value()}).dir == path


def test_a_sweep_dir_with_an_interpolation_is_resolved_once_for_the_whole_sweep(tmp_path):
    result = run_module("sim.run", "-m", "days=1", "seed=0,1", f"hydra.sweep.dir={tmp_path}/s_${{now:%Y}}")
    assert result.returncode == 0, printed(result)
    [sweep] = tmp_path.iterdir()
    assert sweep.name.startswith("s_") and sweep.name[2:].isdigit()
    assert len(pd.read_csv(sweep / "summary.csv")) == 2
