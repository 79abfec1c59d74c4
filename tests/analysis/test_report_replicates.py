"""The report's replicates (sim/analysis/report.py): the seed, or, when a sweep's runs differ by posterior draw,
every (seed, posterior draw) pair; effects are paired by the replicate, and the report says what its intervals
cover. Built on made-up summary tables (no run needed)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import yaml

from sim.analysis.report import METRICS, cost_table, coverage, effects_table, scenarios_of
from sim.analysis.stats import mean_ci
from sim.cli.aggregate import Sweep

BASE, LOW = "guards.p_apprehend=0.6", "guards.p_apprehend=0.3"


def sweep_table(draws: bool) -> pd.DataFrame:
    """Two scenarios x 2 seeds (x 2 posterior draws): the baseline's crossings differ by seed and draw, the other
    scenario has 1 more crossing than its partner of the same seed under draw 0, and 3 more under draw 1."""
    rows = []
    combos = itertools.product((0.6, 0.3), (0, 1), (0, 1) if draws else (None,))
    for job, (share, seed, draw) in enumerate(combos):
        crossings = 100.0 * seed + 40.0 * (draw or 0) + (0.0 if share == 0.6 else 1.0 + 2.0 * (draw or 0))
        row = {"guards.p_apprehend": share, "seed": seed, "job": job}
        if draws:
            row["posterior_draw"] = draw
        row |= {m: crossings for m, *_ in METRICS}
        rows.append(row)
    return pd.DataFrame(rows)


def sweep_of(table: pd.DataFrame) -> Sweep:
    keys = [k for k in ("guards.p_apprehend", "posterior_draw", "seed") if k in table]
    return Sweep(table, keys)


def test_posterior_draw_is_a_replicate_not_a_scenario_and_effects_pair_by_seed_and_draw():
    sc = scenarios_of(sweep_of(sweep_table(draws=True)))
    assert sc.keys == ["guards.p_apprehend"] and sc.labels == [BASE, LOW] and sc.draws
    assert (sc.table.groupby("scenario")["replicate"].nunique() == 4).all()  # every (seed, draw) pair
    rows = [line for line in effects_table(sc, BASE).splitlines() if line.startswith(f"| {LOW} |")]
    assert len(rows) == 1 and rows[0].endswith("| paired by seed and posterior draw |")
    # the paired differences are 1 (draw 0) and 3 (draw 1) for each seed: pairing by seed alone would mix draws
    assert rows[0].startswith(f"| {LOW} | {mean_ci(np.array([1.0, 3.0, 1.0, 3.0])).fmt(0)} |")
    cost = [line for line in cost_table(sc, BASE).splitlines() if line.startswith(f"| {LOW} |")]
    assert cost[0].startswith(f"| {LOW} | {mean_ci(-np.array([1.0, 3.0, 1.0, 3.0])).fmt(0)} |")


def test_the_report_says_its_intervals_cover_seeds_and_draws_or_seeds_only(tmp_path):
    (tmp_path / "0").mkdir()
    (tmp_path / "0" / "config.yaml").write_text(yaml.safe_dump({"seed": 0, "calibration": {"name": "example"}}))
    with_draws = scenarios_of(sweep_of(sweep_table(draws=True)), tmp_path)
    assert coverage(with_draws, tmp_path) == "seeds and posterior draws (2 seeds x 2 draws of calibration `example`)"
    seeds_only = scenarios_of(sweep_of(sweep_table(draws=False)), tmp_path)
    assert not seeds_only.draws
    assert coverage(seeds_only, tmp_path) == "seeds only (2 seeds); parameter uncertainty not included"
    rows = [line for line in effects_table(seeds_only, BASE).splitlines() if line.startswith(f"| {LOW} |")]
    assert rows[0].endswith("| paired by seed |")


def test_one_posterior_draw_for_every_run_is_no_replicate():
    table = sweep_table(draws=True)
    table = table[table["posterior_draw"] == 1]
    sc = scenarios_of(sweep_of(table))
    assert not sc.draws and sc.keys == ["guards.p_apprehend"]
    assert coverage(sc, None) == "seeds only (2 seeds); parameter uncertainty not included"
