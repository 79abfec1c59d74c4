"""The report's replicates (sim/analysis/report.py): the seed, or, when a sweep's runs differ by posterior draw,
every (seed, posterior draw) pair; effects are paired by the replicate, and the report says what its intervals
cover: a confidence interval of the mean over seeds, or a prediction interval over posterior draws (each draw
averaged over its seeds). Built on made-up summary tables (no run needed), and one made-up sweep directory with
posterior draws reported in full."""

from __future__ import annotations

import contextlib
import io
import itertools

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from sim.analysis import report as rep
from sim.analysis.report import METRICS, cost_table, coverage, effects_table, scenarios_of
from sim.analysis.stats import mean_ci, prediction_interval
from sim.cli.aggregate import Sweep
from tests.analysis.fabricated import draw_shift, make_sweep, summary_of
from tests.analysis.test_report import cell, section

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
    # the paired differences are 1 (draw 0) and 3 (draw 1) for each seed: pairing by seed alone would mix draws;
    # each draw's differences are averaged over its seeds and the interval is the prediction interval over draws
    want = prediction_interval(np.array([1.0, 3.0]))
    assert want.high - want.low > 10 * (mean_ci(np.array([1.0, 3.0, 1.0, 3.0])).high - 2.0)  # not the old kind
    assert rows[0].startswith(f"| {LOW} | {want.fmt(0)} |")
    cost = [line for line in cost_table(sc, BASE).splitlines() if line.startswith(f"| {LOW} |")]
    assert cost[0].startswith(f"| {LOW} | {prediction_interval(-np.array([1.0, 3.0])).fmt(0)} |")


def test_the_report_says_its_intervals_cover_seeds_and_draws_or_seeds_only(tmp_path):
    (tmp_path / "0").mkdir()
    (tmp_path / "0" / "config.yaml").write_text(yaml.safe_dump({"seed": 0, "calibration": {"name": "example"}}))
    with_draws = scenarios_of(sweep_of(sweep_table(draws=True)), tmp_path)
    assert coverage(with_draws, tmp_path) == (
        "parameter uncertainty: each is a 95% prediction interval over 2 posterior draws of calibration `example` "
        "(each draw averaged over its 2 seeds); it does not narrow as more draws are run"
    )
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


WALL = [{"fence.poland": "none"}, {"fence.poland": "steel_wall"}]
LABELS = ["fence.poland=none", "fence.poland=steel_wall"]
DRAWS, SEEDS = 12, 2


def draw_values(root, scenario: int, name: str = "crossings", country: str = "poland") -> np.ndarray:
    """Per posterior draw, the mean over its seeds of a summary field (jobs are scenario, draw, seed-major)."""
    jobs = np.arange(DRAWS * SEEDS).reshape(DRAWS, SEEDS) + scenario * DRAWS * SEEDS
    return np.array([[summary_of(root, j)[country][name] for j in row] for row in jobs], dtype=float).mean(axis=1)


def interval(x: np.ndarray, digits: int = 0, low_bound: float | None = None) -> tuple[str, float, float]:
    """Mean [low, high] by hand: the 95% prediction interval over K values, mean ± t(K-1) s sqrt(1 + 1/K)."""
    half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) * np.sqrt(1 + 1 / x.size)
    low = x.mean() - half if low_bound is None else max(x.mean() - half, low_bound)
    high = x.mean() + half
    return f"{x.mean():,.{digits}f} [{low:,.{digits}f}, {high:,.{digits}f}]", low, high


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """A wall sweep over 12 posterior draws x 2 seeds, reported with --min-runs 13: (sweep dir, report.md, stderr)."""
    root = make_sweep(tmp_path_factory.mktemp("drawn") / "sweep", WALL, SEEDS, draws=DRAWS)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert rep.main([str(root), "--min-runs", "13"]) == 0
    return root, (root / "report.md").read_text(), err.getvalue()


def test_a_report_over_posterior_draws_gives_prediction_intervals_that_hold_the_draws_spread(drawn):
    root, text, _ = drawn
    frame = section(text, "The question and how to read the answer")
    assert "95% prediction interval in brackets" in frame and "confidence interval in brackets" not in frame
    assert (
        "Intervals cover parameter uncertainty: each is a 95% prediction interval over 12 posterior draws of "
        "calibration `calibrated` (each draw averaged over its 2 seeds); it does not narrow as more draws are run"
    ) in frame
    assert "- **Runs per scenario:** 24" in frame and "- **Posterior draws per scenario:** 12" in frame
    table = section(section(text, "Crossings and interceptions"), "Poland", 3)
    for i, label in enumerate(LABELS):
        means = draw_values(root, i)
        shown, low, high = interval(means, 0, 0.0)
        assert cell(table, label, "crossings") == shown
        assert low <= means.min() and means.max() <= high  # the draws' spread lies inside
        runs = np.concatenate([[summary_of(root, j)["poland"]["crossings"]] for j in range(i * 24, i * 24 + 24)])
        old = mean_ci(runs)
        assert old.low > means.min() or old.high < means.max()  # the mean's interval over all runs would not
    # effects: per draw the mean over seeds of the paired differences, then the prediction interval over draws
    effects = section(section(text, f"Effects against the baseline ({LABELS[0]})"), "Poland", 3)
    diffs = draw_values(root, 1) - draw_values(root, 0)
    assert np.ptp(diffs) == pytest.approx(15 * (DRAWS - 1))  # the wall's effect differs by draw (draw_shift)
    assert draw_shift(1, 1) - draw_shift(0, 1) == -15
    assert cell(effects, LABELS[1], "Δ crossings") == interval(diffs)[0]
    assert cell(effects, LABELS[1], "method") == "paired by seed and posterior draw"
    conclusions = section(section(text, f"Conclusions against the baseline ({LABELS[0]})"), "Poland", 3)
    cut = -diffs.mean()
    _, low, high = interval(diffs)
    line = next(x for x in conclusions.splitlines() if "crossings" in x)
    assert line.startswith(
        f"- On the Polish line, fence.poland=steel_wall cut crossings by {cut:,.0f} [{-high:,.0f}, {-low:,.0f}]"
    )
    # the wall's effect differs so much by draw that one more draw may show none: the interval includes zero,
    # where the old confidence interval of the mean over all (seed, draw) pairs excluded it
    per_run = [
        summary_of(root, j + DRAWS * SEEDS)["poland"]["crossings"] - summary_of(root, j)["poland"]["crossings"]
        for j in range(DRAWS * SEEDS)
    ]
    assert low < 0 < high and mean_ci(per_run).high < 0
    assert line.endswith(
        "the interval includes zero: across the posterior's parameter values the effect may be zero or reversed."
    )
    prevented = section(section(text, "Costs"), "Cost per prevented crossing", 3)
    assert "prediction interval over the posterior draws" in prevented
    assert cell(section(prevented, "Poland", 4), LABELS[1], "crossings prevented") == interval(-diffs)[0]


def test_with_draws_the_few_runs_warning_counts_draws(drawn):
    _, text, err = drawn
    # 24 runs per scenario, but 12 draws < 13: the prediction interval rests on the draws
    assert "> **Warning:** 2 of 2 scenarios have fewer than 13 posterior draws" in text
    assert "warning: 2 of 2 scenarios have fewer than 13 posterior draws" in err
    assert "fewer than 13 runs" not in text
