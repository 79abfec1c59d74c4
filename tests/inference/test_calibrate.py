"""`python -m sim.calibrate` on a tiny budget: 30-day runs of autumn2021 (whose window then holds one fit target,
Lithuania's June apprehensions), 6 particles, one generation and then a second one resumed from the database."""

from __future__ import annotations

import json
import os
import sqlite3
import time

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.inference import calibrate as cal
from sim.inference.parameters import BY_KEY, Parameter
from sim.inference.simulate import Simulator
from tests.commands import REPO, printed, run_module

SHORT = ["--override", "days=30", "--population", "6", "--check-draws", "2", "--check-seeds", "1"]
KEYS = ("guards.p_see", "migrant.max_attempts", "exposure.hazard_per_day")


def args_for(tmp, out="out", *extra: str) -> list[str]:
    return [
        "--fit",
        "2021",
        *SHORT,
        "--parameters",
        *KEYS,
        "--db",
        str(tmp / "history.db"),
        "--out",
        str(tmp / out),
        "--config-out",
        str(tmp / f"{out}.yaml"),
        *extra,
    ]


@pytest.fixture(scope="module")
def resumed(tmp_path_factory):
    """One generation (a calibration stopped there is what a killed one leaves: pyabc commits whole
    generations), then `--resume` to two generations on the same database, into a second folder."""
    tmp = tmp_path_factory.mktemp("calibration")
    first = run_module("sim.calibrate", *args_for(tmp, "first", "--generations", "1", "--cores", "2"))
    assert first.returncode == 0, printed(first)
    second = run_module("sim.calibrate", *args_for(tmp, "second", "--generations", "2", "--resume", "--cores", "2"))
    assert second.returncode == 0, printed(second)
    return tmp, first, second


def test_a_resumed_calibration_continues_the_same_database(resumed):
    tmp, first, second = resumed
    one = pd.read_csv(tmp / "first" / "epsilons.csv")
    two = pd.read_csv(tmp / "second" / "epsilons.csv")
    assert list(one["generation"]) == [0] and list(two["generation"]) == [0, 1]
    pd.testing.assert_frame_equal(one, two.iloc[:1])  # generation 0 is the first run's, read back, not rerun
    with sqlite3.connect(tmp / "history.db") as db:
        assert db.execute("select count(*) from abc_smc").fetchone()[0] == 1
        assert sorted(t for (t,) in db.execute("select t from populations where t >= 0")) == [0, 1]
    assert "generation 1/1" in first.stdout and "generation 2/2" in second.stdout
    assert "generation 1/2" not in second.stdout  # the resumed run did not redo generation 1
    # epsilon shrinks: generation 1 accepts only runs closer than the median distance of generation 0
    assert two["epsilon"].iloc[1] <= two["epsilon"].iloc[0]
    assert (two["accepted"] == 6).all() and (two["simulations"] >= 6).all()
    np.testing.assert_allclose(two["acceptance_rate"], two["accepted"] / two["simulations"])
    assert two["effective_sample_size"].iloc[0] == pytest.approx(6.0)  # generation 0: the prior, equal weights
    assert (two["effective_sample_size"].between(1, 6 + 1e-9)).all()
    assert "effective sample size" in second.stdout


def test_the_outputs_hold_the_posterior_in_natural_units(resumed):
    tmp = resumed[0]
    out = tmp / "second"
    for name in cal.OUTPUT_FILES:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    post = pd.read_parquet(out / "posterior.parquet")
    assert list(post.columns) == [*KEYS, "weight"] and len(post) == 6
    # the calibration's own posterior predictive check: every fit and check figure of its window, 2 draws x 1 seed
    check = pd.read_csv(out / "predictive.csv")
    assert set(check["use"]) <= {"fit", "check"} and "fit" in set(check["use"]) and (check["runs"] == 2).all()
    assert (check["q05"] <= check["median"]).all() and (check["median"] <= check["q95"]).all()
    assert post["weight"].sum() == pytest.approx(1.0) and (post["weight"] >= 0).all()
    draws = pd.read_parquet(out / "draws.parquet")
    assert list(draws.columns) == ["draw", *KEYS] and list(draws["draw"]) == list(range(cal.N_DRAWS))
    for key in KEYS:
        p = BY_KEY[key]
        assert draws[key].dtype == float
        assert draws[key].between(p.low, p.high).all() and post[key].between(p.low, p.high).all(), key
        assert set(draws[key]) <= set(post[key])  # resampled particles
    summary = json.loads((out / "summary.json").read_text())
    assert summary["fit"] == "2021" and summary["scenario"] == "autumn2021" and summary["resumed"] is True
    assert [p["key"] for p in summary["parameters"]] == list(KEYS)
    assert summary["targets"] and all(t["weight"] > 0 for t in summary["targets"])
    assert summary["generations_run"] == 2 and summary["simulations"] >= 12
    assert summary["pyabc"] and summary["machine_cores"] >= 1
    assert summary["proposal"].startswith("defensive mixture: 0.1 x prior")
    log = (out / "progress.log").read_text()
    assert "generation 2/2" in log


def test_the_config_option_sets_the_posterior_medians(resumed):
    tmp = resumed[0]
    text = (tmp / "second.yaml").read_text()
    assert text.startswith("# @package _global_\n# fitted by `python -m sim.calibrate --fit 2021")
    config = yaml.safe_load(text)
    assert config["calibration"]["name"] == "calibrated"  # the 2021 fit is the default calibration
    assert config["calibration"]["posterior"].endswith("second/draws.parquet")
    assert "autumn2021 fit targets" in config["calibration"]["fitted_to"]
    post = pd.read_parquet(tmp / "second" / "posterior.parquet")
    for key in KEYS:
        group, name = key.split(".")
        value = config[group][name]
        p = BY_KEY[key]
        assert p.low <= value <= p.high
        line = next(li for li in text.splitlines() if li.strip().startswith(f"{name}:"))
        assert "# fitted (ABC-SMC posterior median; 90% interval" in line
        median = cal.weighted_quantiles(post[key].to_numpy(), post["weight"].to_numpy(), [0.5])[0]
        if key == "migrant.max_attempts":
            assert isinstance(value, int) and value == round(median)
        else:
            assert value == pytest.approx(median, rel=5e-3)


def test_an_existing_database_or_results_are_never_overwritten(resumed, capsys):
    tmp = resumed[0]
    assert cal.main(args_for(tmp, "third")) == 2  # the database exists, no --resume
    assert "--db" in capsys.readouterr().err
    other = ["--db", str(tmp / "other.db")]
    assert cal.main([*args_for(tmp, "second"), *other]) == 2  # second/ holds results
    err = capsys.readouterr().err
    assert "--out" in err and "--force" in err and "posterior.parquet" in err
    assert cal.main([*args_for(tmp, "third", "--resume"), "--population", "7"]) == 2
    assert "--population" in capsys.readouterr().err
    assert cal.main([*args_for(tmp, "third", "--resume"), "--defensive", "0.2"]) == 2  # another proposal
    assert "--defensive" in capsys.readouterr().err
    assert not (tmp / "third").exists() and not (tmp / "other.db").exists()


@pytest.mark.parametrize(
    ("extra", "option"),
    [
        (["--parameters", "guards.p_sea"], "--parameters"),
        (["--population", "1"], "--population"),
        (["--defensive", "1"], "--defensive"),
        (["--defensive", "nan"], "--defensive"),
        (["--generations", "0"], "--generations"),
        (["--max-simulations", "-5"], "--max-simulations"),
        (["--min-epsilon", "-1"], "--min-epsilon"),
        (["--cores", "0"], "--cores"),
        (["--resume"], "--resume"),
        (["--override", "days=10"], "--override"),  # no fit target in ten days
        (["--override", "guards.p_see=2"], "--override"),
        (["--override", "seed=3"], "--override"),
        (["--check-draws", "-1"], "--check-draws"),
        (["--check-draws", "101"], "--check-draws"),
        (["--check-seeds", "0"], "--check-seeds"),
    ],
)
def test_bad_options_exit_2_naming_the_option_before_any_run(tmp_path, capsys, extra, option):
    base = ["--fit", "2021", "--db", str(tmp_path / "h.db"), "--out", str(tmp_path / "o")]
    assert cal.main([*base, "--config-out", str(tmp_path / "c.yaml"), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and option in err, err
    assert not (tmp_path / "h.db").exists() and not (tmp_path / "o").exists()


def test_a_bad_fit_or_an_unreachable_dask_scheduler_exits_2(tmp_path, monkeypatch):
    result = run_module("sim.calibrate", "--fit", "2022", "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "--fit" in result.stderr and "Traceback" not in result.stderr, printed(result)
    monkeypatch.setattr(cal, "DASK_TIMEOUT", 1)
    base = ["--fit", "2021", "--db", str(tmp_path / "h.db"), "--out", str(tmp_path / "o"), *SHORT]
    start = time.perf_counter()
    code = cal.main([*base, "--config-out", str(tmp_path / "c.yaml"), "--dask", "tcp://127.0.0.1:9"])
    assert code == 2 and time.perf_counter() - start < 30
    assert not (tmp_path / "h.db").exists()


def test_the_seed_of_a_run_follows_its_parameter_values():
    assert cal.seed_for([0.1, 0.2]) == cal.seed_for([0.1, 0.2])
    assert cal.seed_for([0.1, 0.2]) != cal.seed_for([0.1, 0.2000001])
    assert 0 <= cal.seed_for([0.5]) < 2**63


def test_weighted_quantiles_follow_the_weights():
    x = np.array([1.0, 2.0, 3.0])
    assert cal.weighted_quantiles(x, np.array([1, 1, 1]), [0.5])[0] == pytest.approx(2.0)
    assert cal.weighted_quantiles(x, np.array([0.0, 0.0, 1.0]), [0.5])[0] == pytest.approx(3.0)


@pytest.mark.slow  # ~35 s: each worker process imports the model and loads its compiled loops
def test_a_calibration_runs_on_a_dask_cluster(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    # the cluster's worker processes import this checkout's `sim` (not another installed one)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    with distributed.LocalCluster(
        host="127.0.0.1", n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        args = args_for(
            tmp_path, "dask", "--generations", "1", "--population", "4", "--dask", cluster.scheduler_address
        )
        result = run_module("sim.calibrate", *args)
    assert result.returncode == 0, printed(result)
    summary = json.loads((tmp_path / "dask" / "summary.json").read_text())
    assert summary["sampler"] == "DaskDistributedSampler" and summary["generations_run"] == 1
    assert len(pd.read_parquet(tmp_path / "dask" / "posterior.parquet")) == 4


def test_a_prior_range_the_config_refuses_is_an_error_before_any_run(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(cal.BY_KEY, "guards.p_see", Parameter("guards.p_see", 0.5, 1.5))  # a chance above 1
    base = ["--fit", "2021", "--db", str(tmp_path / "h.db"), "--out", str(tmp_path / "o"), *SHORT]
    assert cal.main([*base, "--config-out", str(tmp_path / "c.yaml"), "--parameters", "guards.p_see"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--parameters guards.p_see" in err, err
    assert not (tmp_path / "h.db").exists()


def test_values_that_together_break_a_cross_check_are_never_accepted(monkeypatch):
    # the registry caps breach factors so that no prior point breaks the cross-check; a wider range shows what a
    # calibration does with one that does (each value alone in range, the product above 1)
    wide = Parameter("terrain.forest.p_breach_factor", 0.5, 2.0, log=True)
    monkeypatch.setitem(cal.BY_KEY, wide.key, wide)
    keys = ("barriers.razor_wire.p_breach", "terrain.forest.p_breach_factor")
    model = cal.Model(Simulator("autumn2021", ["days=30"]), keys)
    both_high = dict.fromkeys(keys, 1.0)  # unit scale: 0.9 x 2 = 1.8, a breach chance above 1
    assert np.isnan(model(both_high)["stats"]).all()
    assert cal.Distance(model.simulator.targets)(model(both_high), {}) == float("inf")
    fine = {"stats": np.array([473.0])}  # the one target of these 30 days, hit exactly
    assert cal.Distance(model.simulator.targets)(fine, {}) == 0.0


def test_resume_extends_a_finished_calibration_in_its_own_folder_without_force(tmp_path):
    # --resume rewrites the outputs of the calibration its database holds (summary.json names it), nothing else
    first = run_module("sim.calibrate", *args_for(tmp_path, "out", "--generations", "1", "--cores", "2"))
    assert first.returncode == 0, printed(first)
    more = run_module("sim.calibrate", *args_for(tmp_path, "out", "--generations", "2", "--resume", "--cores", "2"))
    assert more.returncode == 0, printed(more)
    assert list(pd.read_csv(tmp_path / "out" / "epsilons.csv")["generation"]) == [0, 1]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert 1 <= summary["effective_sample_size"] <= 6  # population 6
    # another calibration's folder is still refused
    other = [
        "--db",
        str(tmp_path / "other.db"),
        "--out",
        str(tmp_path / "out"),
        "--config-out",
        str(tmp_path / "o.yaml"),
    ]
    assert cal.main(["--fit", "2021", *SHORT, "--parameters", *KEYS, *other]) == 2


def test_the_effective_sample_size_is_kish_s():
    assert cal.effective_sample_size(np.full(4, 0.25)) == pytest.approx(4.0)
    assert cal.effective_sample_size(np.array([1.0, 0.0, 0.0])) == pytest.approx(1.0)
    assert cal.effective_sample_size(np.array([0.5, 0.25, 0.25])) == pytest.approx(1 / 0.375)
