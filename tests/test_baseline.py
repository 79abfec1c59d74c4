"""Regression against tests/baseline.json: the same configs must give exactly the same outputs.

Speed work must pass this unchanged (optimisations are exact by construction); a deliberate change of mechanics
regenerates the baseline with `python tests/update_baseline.py` and says so in its commit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from update_baseline import BASELINE, CASES, fingerprint

EXPECTED = json.loads(BASELINE.read_text())


def test_baseline_lists_every_case():
    assert set(EXPECTED) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_outputs_match_the_baseline(name):
    got = fingerprint(CASES[name])
    want = EXPECTED[name]
    assert got["summary_total"] == want["summary_total"]
    assert got["daily_sha256"] == want["daily_sha256"]
    assert got["segments_sha256"] == want["segments_sha256"]
    assert got["people_sha256"] == want["people_sha256"]


def test_compiled_loops_compute_what_their_python_source_says(repo):
    """The patrols' loops and the people's queries are compiled with numba; `NUMBA_DISABLE_JIT=1` runs the very
    same functions as plain Python. Both must give the baseline, so the compiled machine code cannot drift from
    what its source reads as (integer widths, float rounding, comparisons)."""
    case = "weakest_reinforce_10d"  # escorts read the patrols in sight, patrols redeploy to breaches
    script = (
        "import json, sys; from update_baseline import CASES, fingerprint; "
        "print(json.dumps(fingerprint(CASES[sys.argv[1]])))"
    )
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1", "PYTHONPATH": str(repo / "tests")}
    result = subprocess.run(
        [sys.executable, "-c", script, case], cwd=repo, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-2000:]
    got = json.loads(result.stdout)
    for key in ("daily_sha256", "segments_sha256", "people_sha256", "summary_total"):
        assert got[key] == EXPECTED[case][key], key
