"""The benchmark script counts what it says it counts, and runs end to end (tiny sizes; no timing is asserted)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from commands import REPO

from sim.core.guards.force import OFF_DUTY
from sim.core.states import MigrantState

FINAL = [MigrantState.CROSSED, MigrantState.ASYLUM, MigrantState.GAVE_UP, MigrantState.DIED]


def run_bench(script: str, out: Path, *args: str) -> tuple[str, dict]:
    """`python benchmarks/SCRIPT ARGS --out OUT` from the repository root, which must succeed: its stdout and the
    results file it wrote."""
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), *args, "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, json.loads(out.read_text())


def _bench_module(repo):
    spec = importlib.util.spec_from_file_location("bench_model", repo / "benchmarks" / "bench_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_agent_hours_are_people_in_the_system_plus_patrols_and_escorts_each_hour(repo, build_model):
    """Counted hour by hour while stepping, the agent-hours equal what the benchmark derives from the finished run."""
    bench = _bench_module(repo)
    model = build_model("days=3", "progress=false")
    counted = 0
    while model.running:
        model.step()
        # hour h counts everyone who arrived by h and is still in the system at its end (the hour a person leaves
        # in is not counted), the patrols on duty and the escort units
        p = model.people
        counted += int(np.count_nonzero(~np.isin(p.state[: p.n], FINAL)))
        counted += int(np.count_nonzero(model.guards.state != OFF_DUTY)) + len(model.escorts)
    assert bench.agent_hours(model) == counted


def test_limit_moves_to_a_uniform_neighbour_of_a_moore_grid(repo):
    bench = _bench_module(repo)
    table, degree = bench.moore_neighbours(4, 3)
    assert degree.tolist() == [3, 5, 3, 5, 8, 5, 5, 8, 5, 3, 5, 3]
    corner = table[0, : degree[0]]
    assert sorted(corner.tolist()) == [1, 3, 4]  # (0,1), (1,0), (1,1) with cell = x * height + y
    assert (table[degree < 8, 7] == -1).all()


def test_bench_script_writes_the_ratios_the_issue_asks_for(tmp_path):
    out = tmp_path / "results.json"
    out.write_text(json.dumps({"seasons": {"single": {"best_seconds": 0.5}}, "stale": 1}))
    stdout, data = run_bench("bench_model.py", out, "--days", "2", "--repeat", "1")
    for key in ("ratio_vs_reference", "ratio_vs_limit", "surge_over_autumn2021"):
        assert np.isfinite(data[key]) and data[key] > 0, key
    for scenario in ("autumn2021", "surge"):
        a, b, c = (data[scenario][part] for part in ("model", "reference", "limit"))
        assert a["hours"] == b["hours"] == c["hours"] == 48
        assert b["agents"] == c["agents"] == round(a["mean_agents"])
        assert a["agent_hours"] > 0 and a["peak_traced_memory_mb"] > 0
    assert "ratio_vs_reference" in stdout
    # bench_seasons.py's results stay; nothing else of the old file does
    assert data["seasons"] == {"single": {"best_seconds": 0.5}} and "stale" not in data


def test_seasons_bench_writes_seasons_per_hour_and_keeps_the_other_results(tmp_path):
    out = tmp_path / "results.json"
    out.write_text(json.dumps({"ratio_vs_limit": 0.2}))
    args = ["--workers", "2", "--seasons", "1", "--single", "2", "--days", "2"]
    stdout, data = run_bench("bench_seasons.py", out, *args)
    assert data["ratio_vs_limit"] == 0.2  # bench_model.py's results stay
    par, one = data["seasons"]["parallel"], data["seasons"]["single"]
    assert par["workers"] == 2 and par["seasons"] == len(par["season_seconds_all"]) == 2
    assert par["seasons_per_hour"] > 0 and np.isclose(par["seasons_per_hour"], 2 / par["wall_seconds"] * 3600)
    assert one["repeat"] == len(one["seconds_all"]) == 2 and 0 < one["best_seconds"] <= one["median_seconds"]
    assert len(par["season_cpu_seconds_all"]) == 2 and par["seasons_per_hour_from_cpu"] > 0
    assert 0 < one["best_cpu_seconds"] <= one["median_cpu_seconds"]
    assert "seasons per hour" in stdout


def test_the_calibration_benchmark_adds_its_key_and_keeps_the_others(tmp_path):
    out = tmp_path / "results.json"
    out.write_text(json.dumps({"autumn2021": {"model": {"wall_seconds": 2.0}}, "python": "3.11"}))
    _, data = run_bench(
        "bench_calibration.py", out, "--days", "30", "--population", "3", "--generations", "1", "--cores", "2"
    )
    assert data["autumn2021"] == {"model": {"wall_seconds": 2.0}} and data["python"] == "3.11"
    calibration = data["calibration"]
    assert calibration["generations"] == 1 and calibration["simulations"] >= 6  # the prior sample and generation 0
    assert calibration["simulations_per_hour"] > 0 and calibration["days"] == 30
