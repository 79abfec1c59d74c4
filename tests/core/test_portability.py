"""The same run by other machine code: counts match exactly, floats to a tolerance (what "identical" promises).

Byte-identical outputs are promised for the same machine (CPU) and library versions. Another CPU may take other
code paths: numba compiles the patrols' loops for the host CPU, and numpy picks SIMD kernels by CPU (with AVX-512,
`array ** array` differs from the plain kernel in the last bit of ~5% of values). These tests run a small case in
a subprocess on another code path and compare its tables with the same case run here:

- `generic_cpu`: looks like the oldest CPU both libraries support: numba compiles for its `generic` target (into
  a fresh cache, so it really compiles) and numpy runs with its dispatched SIMD kernels switched off;
- `uncompiled`: `NUMBA_DISABLE_JIT=1` runs the compiled functions as the Python they are written in, so the machine
  code cannot drift from its source (integer widths, comparisons, rounding).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from tolerance import assert_same_tables

from sim import BorderModel, load_config

pytestmark = pytest.mark.slow

#: Walls cut and repaired, escorts scoring segments by logs, patrols redeploying by an exponential decay, sight by
#: powers, exposure deaths: the places where floats are made.
CASE = [
    "fence=steel_wall",
    "escort.strategy=weakest",
    "escort.weakest_noise=3",  # noisy enough that units also pick walls, and cut them
    "escort.p_cut=1",
    "guards.deployment=reinforce",
    "exposure.hazard_per_day=0.02",
    "days=6",
    "start_date=2021-08-01",  # both lines busy (the default scenario starts on 1 Jun with Lithuania alone)
    "escort.units.poland=[]",
    "escort.units.lithuania=[]",
    "seed=3",
]

SCRIPT = """
import json, sys
import numba
import pandas as pd
from sim import BorderModel, load_config
try:
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
except ImportError:  # numpy 1.x
    from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__

model = BorderModel(load_config(json.loads(sys.argv[1]))).run(progress=False)
tables = {"daily": model.daily, "segments": model.segments, "people": model.people.to_df()}
pd.to_pickle(tables, sys.argv[2])
simd = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
print(json.dumps({"numba_cpu": numba.config.CPU_NAME, "jit": not numba.config.DISABLE_JIT, "numpy_simd": simd}))
"""


def tables(model: BorderModel) -> dict[str, pd.DataFrame]:
    return {"daily": model.daily, "segments": model.segments, "people": model.people.to_df()}


def dispatched_simd() -> list[str]:
    """numpy's SIMD kernel groups this CPU runs beyond numpy's baseline (e.g. X86_V3, X86_V4, AVX512_ICL)."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    return [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]


def other_path(name: str, tmp_path: Path) -> tuple[dict[str, str], dict]:
    """Environment of the other code path, and what its process must report it ran with."""
    if name == "generic_cpu":
        env = {
            "NUMBA_CPU_NAME": "generic",
            "NUMBA_CACHE_DIR": str(tmp_path / "numba_cache"),
            "NPY_DISABLE_CPU_FEATURES": " ".join(dispatched_simd()),
        }
        return env, {"numba_cpu": "generic", "jit": True, "numpy_simd": []}
    return {"NUMBA_DISABLE_JIT": "1"}, {"numba_cpu": None, "jit": False, "numpy_simd": dispatched_simd()}


@pytest.fixture(scope="module")
def here() -> dict[str, pd.DataFrame]:
    """The case run in this process: numba compiled for this CPU, numpy's kernels for this CPU."""
    return tables(BorderModel(load_config([*CASE, "progress=false"])).run(progress=False))


@pytest.mark.parametrize("path", ["generic_cpu", "uncompiled"])
def test_another_code_path_gives_the_same_counts_and_floats_to_a_tolerance(repo, tmp_path, here, path):
    extra, expected_target = other_path(path, tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_", "NPY_"))}
    out = tmp_path / "tables.pkl"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps([*CASE, "progress=false"]), str(out)],
        cwd=repo,
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # the other path was really taken (for generic_cpu: compiled for it, into the fresh cache)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expected_target
    if path == "generic_cpu":
        assert list((tmp_path / "numba_cache").rglob("*.nbi")), "numba compiled nothing into the fresh cache"

    other = pd.read_pickle(out)
    for name, table in here.items():
        assert_same_tables(other[name], table, name)


def test_the_case_exercises_counts_and_float_columns(here):
    """Otherwise the comparison above would hold trivially."""
    daily = here["daily"]
    for counter in ("attempts", "detections", "apprehensions", "pushbacks", "deaths"):
        assert daily[counter].sum() > 0, counter
    assert (here["segments"]["fence_cuts"] > 0).any()
    floats = {c for table in here.values() for c in table.columns if pd.api.types.is_float_dtype(table[c])}
    assert {"y_km", "p_breach", "cost_eur"} <= floats
