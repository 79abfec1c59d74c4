"""The posterior predictive check (`sim.inference.predictive`) and the command built on it, `python -m sim.validate`:
draws x seeds run in worker processes, quantiles, coverage, relative error and MASE, per calibration the fitted,
held-out and held-out-regime sections."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from commands import Launch, printed, run_module

from sim.analysis import validate as v
from sim.inference import predictive as pp
from sim.inference import validate as cmd
from sim.inference.simulate import Simulator
from sim.inference.targets import Target, window_for
from tests.tolerance import assert_same_values

D = dt.date
#: Short runs: June to 9 August 2021 holds fitted and held-out figures of autumn2021.
SHORT = ("days=70",)
DRAWS = {"draw": [0, 1, 2], "guards.p_see": [0.1, 0.2, 0.3], "migrant.retry_hours": [2.0, 3.0, 4.0]}


def _draws(folder, table=None):
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(DRAWS if table is None else table).to_parquet(folder / "draws.parquet")
    return folder / "draws.parquet"


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    path = _draws(tmp_path_factory.mktemp("cal") / "fit2021")
    return pp.posterior_predictive(path, "autumn2021", n_draws=3, seeds=2, overrides=SHORT, jobs=2)


def test_the_runs_table_has_one_row_per_target_draw_and_seed_and_the_draws_are_applied(result):
    runs = result.runs
    assert list(runs.columns) == ["scenario", "target", "data_row", "use", "draw", "seed", "simulated"]
    assert len(result.targets) >= 4 and {t.use for t in result.targets} == {"fit", "check"}
    assert len(runs) == len(result.targets) * 3 * 2
    assert set(runs["draw"]) == {0, 1, 2} and set(runs["seed"]) == {0, 1}
    wide = runs.pivot_table(index=["draw", "seed"], columns="target", values="simulated")
    # guards.p_see 0.1 against 0.3 with the same seed: the draws reach the runs
    assert not np.allclose(wide.loc[(0, 0)], wide.loc[(2, 0)])


def test_the_summary_has_its_columns_and_ordered_quantiles(result):
    summary = result.summary()
    assert list(summary.columns) == pp.SUMMARY_COLUMNS
    assert len(summary) == len(result.targets) and (summary["runs"] == 6).all()
    q = summary[["q05", "q25", "median", "q75", "q95"]].to_numpy()
    assert np.isfinite(q).all() and (np.diff(q, axis=1) >= 0).all()
    fitted = result.summary(["fit"])
    assert set(fitted["use"]) == {"fit"} and 0 < len(fitted) < len(summary)


def test_without_draws_the_assumption_values_run_with_seeds_only():
    alone = pp.posterior_predictive(None, "autumn2021", n_draws=20, seeds=2, overrides=SHORT, jobs=1)
    assert set(alone.runs["draw"]) == {-1} and alone.draws == 0 and alone.seeds == 2
    assert len(alone.runs) == len(alone.targets) * 2
    direct = Simulator("autumn2021", SHORT, ("fit", "check"))({}, 1)
    seed_1 = alone.runs[alone.runs["seed"] == 1]["simulated"].to_numpy()
    assert_same_values(seed_1, direct, "seed 1 of the predictive against a Simulator run")


def test_draws_are_spread_evenly_and_a_bad_table_is_named(tmp_path):
    table = pd.DataFrame({"draw": [4, 3, 2, 1, 0], "guards.p_see": [0.4, 0.3, 0.2, 0.1, 0.05]})
    chosen = pp.read_draws(table, 3)
    assert [c["draw"] for c in chosen] == [0, 2, 4] and chosen[1]["guards.p_see"] == 0.2
    assert len(pp.read_draws(table, 50)) == 5 and pp.read_draws(None, 3) == [{}]
    with pytest.raises(ValueError, match="draw"):
        pp.read_draws(pd.DataFrame({"guards.p_see": [0.1]}), 3)
    with pytest.raises(ValueError, match=r"guards\.p_see"):
        pp.read_draws(pd.DataFrame({"draw": [0], "guards.p_see": ["high"]}), 3)


JULY = (D(2021, 7, 1), D(2021, 7, 31))


def _target(low, high=None, metric="attempted_illegal_crossings_from_BY", start=JULY[0], end=JULY[1]):
    figure = v.Figure(1, "PL", metric, start, end, low, high, "attempts", "a source", "", "fit")
    return Target(figure, "autumn2021", window_for("2021-06-01", 214, "autumn2021"), "full")


def _runs(values_per_target: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"target": name, "simulated": float(x)} for name, values in values_per_target.items() for x in values]
    )


def test_coverage_of_single_values_ranges_and_minimum_counts_on_a_constructed_example():
    # simulated 1..20 for each figure: q05 1.95, q25 5.75, median 10.5, q75 15.25, q95 19.05 (linear quantiles)
    days = [(D(2021, 7, d), D(2021, 7, d)) for d in range(1, 8)]
    chosen = [
        _target(10, start=days[0][0], end=days[0][1]),  # in both
        _target(3, start=days[1][0], end=days[1][1]),  # in the 90% interval only
        _target(25, start=days[2][0], end=days[2][1]),  # in neither
        _target(20, 30, start=days[3][0], end=days[3][1]),  # a range above the 90% interval
        _target(18, 30, start=days[4][0], end=days[4][1]),  # a range overlapping the 90% interval only
        _target(15, metric="deaths_all_sides", start=days[5][0], end=days[5][1]),  # reached by both intervals
        _target(19.5, metric="deaths_all_sides", start=days[6][0], end=days[6][1]),  # reached by neither
    ]
    summary = pp.summarise(_runs({t.name: np.arange(1, 21) for t in chosen}), chosen)
    np.testing.assert_allclose(
        summary.iloc[0][["q05", "q25", "median", "q75", "q95"]].to_numpy(dtype=float), [1.95, 5.75, 10.5, 15.25, 19.05]
    )
    assert list(summary["in_90"]) == [True, True, False, False, True, True, False]
    assert list(summary["in_50"]) == [True, False, False, False, False, True, False]
    np.testing.assert_allclose(
        summary["relative_error"],
        [0.05, (10.5 - 3) / 3, (10.5 - 25) / 25, (10.5 - 25) / 25, (10.5 - 24) / 24, (10.5 - 15) / 15, -0.461538461],
        rtol=1e-6,
    )
    assert list(summary["minimum"]) == [False] * 5 + [True] * 2
    assert "reaches the count" in summary["note"].iloc[5]
    assert pp.coverage(summary, "in_90") == "4 of 7 (57%)" and pp.coverage(summary, "in_50") == "2 of 7 (29%)"


def test_mase_of_a_constructed_monthly_series_against_a_hand_computation():
    assert pp.mase([110, 190, 330], [100, 200, 300]) == pytest.approx((10 + 10 + 30) / 3 / 100)
    months = [(D(2021, m, 1), D(2021, m + 1, 1) - dt.timedelta(days=1)) for m in (6, 7, 8, 10)]
    observed = [100, 200, 300, 400]
    chosen = [_target(o, start=s, end=e) for o, (s, e) in zip(observed, months, strict=True)]
    part = _target(50, start=D(2021, 9, 1), end=D(2021, 9, 28))  # part of a month: not in a series
    simulated = {chosen[0].name: [110, 110], chosen[1].name: [190, 190], chosen[2].name: [330, 330]}
    simulated |= {chosen[3].name: [400, 400], part.name: [50, 50]}
    summary = pp.summarise(_runs(simulated), [*chosen, part])
    # June-August is a series (October is cut off by the missing September, and alone)
    np.testing.assert_allclose(summary["mase"].iloc[:3], [50 / 3 / 100] * 3)
    assert summary["mase"].iloc[3:].isna().all()
    assert summary["series"].iloc[0] == "PL attempted_illegal_crossings_from_BY 2021-06 to 2021-08"
    table = pp.series_mase(summary)
    assert list(table["months"]) == [3] and table["mase"].iloc[0] == pytest.approx(1 / 6)
    # two months are not enough for a series
    assert pp.summarise(_runs(simulated), chosen[:2])["mase"].isna().all()


def test_the_calibration_s_own_check_writes_its_table_and_plot(tmp_path):
    path = _draws(tmp_path / "fit2021")
    table = pp.predictive_check(path, "autumn2021", tmp_path / "check", n_draws=2, seeds=1, overrides=SHORT, jobs=1)
    written = pd.read_csv(tmp_path / "check" / "predictive.csv")
    assert list(written.columns) == pp.SUMMARY_COLUMNS and len(written) == len(table)
    assert set(written["use"]) == {"fit", "check"} and (written["runs"] == 2).all()
    assert (tmp_path / "check" / "predictive_series.png").stat().st_size > 1000


def test_calibrations_are_found_by_name_and_fitted_to_their_year_s_scenario(tmp_path):
    _draws(tmp_path / "fit2023")
    _draws(tmp_path / "fit2021")
    (tmp_path / "empty").mkdir()
    assert cmd.available(tmp_path) == ["fit2021", "fit2023"]
    assert cmd.resolve("fit2023", tmp_path).fitted == "year2023"
    assert cmd.resolve(str(tmp_path / "fit2021"), tmp_path / "elsewhere").fitted == "autumn2021"
    assert cmd.resolve("none", tmp_path).draws is None
    with pytest.raises(ValueError, match=r"--calibrations empty: no .*available: fit2021, fit2023, none"):
        cmd.resolve("empty", tmp_path)
    _draws(tmp_path / "wide")
    with pytest.raises(ValueError, match="--calibrations wide: cannot tell the scenario"):
        cmd.resolve("wide", tmp_path)
    # sim.calibrate's summary.json names the scenario, whatever the calibration is called
    _draws(tmp_path / "calibrated")
    (tmp_path / "calibrated" / "summary.json").write_text('{"scenario": "year2023", "fit": "2023"}')
    assert cmd.resolve("calibrated", tmp_path).fitted == "year2023"
    names = [s.key for s in cmd.sections(cmd.resolve("fit2021", tmp_path), v.SCENARIOS)]
    assert names == ["fitted", "held out in the fitted period", "held-out regime"]
    assert [s.uses for s in cmd.sections(cmd.resolve("fit2021", tmp_path), v.SCENARIOS)][2] == ("fit", "check")


def test_the_command_reports_each_calibration_s_sections_with_coverage(tmp_path):
    cal = tmp_path / "calibration"
    _draws(cal / "fit2021")
    _draws(cal / "fit2023")
    out = tmp_path / "docs" / "validation.md"
    args = ["--calibrations", str(cal / "fit2021"), str(cal / "fit2023"), "none", "--draws", "2", "--seeds", "1"]
    result = run_module("sim.validate", *args, "--jobs", "2", "--out", str(out), *SHORT)
    assert result.returncode == 0, printed(result)
    assert "runs per scenario (draws x seeds); the intervals are meant for at least 10" in result.stderr
    # 10 runs in loky workers, days=70: the model's warning about the dates after the run once (autumn2021 only)
    assert result.stderr.count("dated inputs outside") == 1, printed(result)
    for text in (result.stdout, out.read_text()):
        assert "### Fitted figures: `autumn2021`" in text
        assert "### Held out within the fitted period: `autumn2021`" in text
        assert "### The held-out regime: `autumn2021`" in text  # fit2023's held-out regime
        assert "### Assumption values: `autumn2021`" in text
        assert "Coverage: the 90% intervals cover " in text and "| fit2021 | fitted | autumn2021 |" in text
        assert "### Where the model misses" in text
    text = out.read_text()
    assert "`python -m sim.validate --calibrations" in text
    assert "![fit2021: monthly series of autumn2021](validation/fit2021-autumn2021.png)" in text
    assert (out.parent / "validation" / "fit2021-autumn2021.png").is_file()
    assert (out.parent / "validation" / "none-autumn2021.png").is_file()
    row = next(line for line in text.splitlines() if "prevented_entries_daily" in line and "2021-08-03" in line)
    assert "| LT |" in row
    table = pd.read_csv(out.with_suffix(".csv"))
    compared = table[table["calibration"].notna()]
    fitted = compared[(compared["calibration"] == "fit2021") & (compared["section"] == "fitted")]
    assert len(fitted) and set(fitted["use"]) == {"fit"} and (fitted["runs"] == 2).all()  # 2 draws x 1 seed
    held = compared[(compared["calibration"] == "fit2021") & (compared["section"] == "held out in the fitted period")]
    assert len(held) and set(held["use"]) == {"check"}
    regime = compared[(compared["calibration"] == "fit2023") & (compared["section"] == "held-out regime")]
    assert set(regime["scenario"]) == {"autumn2021"} and len(regime) == len(fitted) + len(held)
    alone = compared[compared["calibration"] == "none"]
    assert len(alone) == len(fitted) + len(held) and (alone["runs"] == 1).all()  # seeds only
    lt = alone[(alone["metric"] == "prevented_entries_daily") & (alone["period"] == "2021-08-03")]
    assert len(lt) == 1 and np.isfinite(lt["median"].iloc[0]) and lt["median"].iloc[0] >= 0
    missed = int((~compared["in_90"].astype(bool)).sum())
    assert text.count("\n- `autumn2021` ") == missed  # every miss listed, in its calibration's list
    assert (table["why"].dropna() == "outside the scenarios' run windows").any()


BAD_OPTIONS = [
    (["--draws", "0"], "--draws must be at least 1"),
    (["--draws", "many"], "--draws: invalid int value"),
    (["--seeds", "0"], "--seeds must be at least 1"),
    (["--jobs", "0"], "--jobs must not be 0"),
    (["--calibrations", "nowhere"], "--calibrations nowhere: no "),
]


def test_bad_options_exit_2_naming_the_option(tmp_path):
    launched = [Launch("sim.validate", *args, "--out", str(tmp_path / "v.md")) for args, _ in BAD_OPTIONS]
    for launch, (_, named) in zip(launched, BAD_OPTIONS, strict=True):
        bad = launch.result()
        assert bad.returncode == 2 and named in bad.stderr and "Traceback" not in bad.stderr, printed(bad)
    assert not (tmp_path / "v.md").exists()


def test_a_draw_that_is_no_config_key_or_out_of_range_exits_2_naming_it(tmp_path):
    _draws(tmp_path / "fit2021", {"draw": [0], "guards.p_sea": [0.1]})
    _draws(tmp_path / "fit2023", {"draw": [0], "guards.p_see": [1.5]})
    for name, key in (("fit2021", "guards.p_sea"), ("fit2023", "guards.p_see")):
        bad = run_module("sim.validate", "--calibrations", str(tmp_path / name), "--out", str(tmp_path / "v.md"))
        assert bad.returncode == 2 and key in bad.stderr and "Traceback" not in bad.stderr, printed(bad)
    assert not (tmp_path / "v.md").exists()


def test_a_wrong_scenario_or_override_exits_2_naming_it(tmp_path):
    bad = run_module("sim.validate", "--scenarios", "nowhere", "--seeds", "1", "--out", str(tmp_path / "v.md"))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr, printed(bad)
    errors = [line for line in bad.stderr.splitlines() if not line.startswith("warning: ")]
    assert errors == [  # one line, as `python -m sim.run scenario=nowhere` says it
        "error: scenario=nowhere: no such option (configs/scenario/nowhere.yaml); allowed for scenario: "
        "autumn2021, no_fence, surge, wall_in_2021, year2023"
    ]
    wrong = run_module("sim.validate", "--seeds", "1", "--out", str(tmp_path / "v.md"), "guards.p_see=2")
    assert wrong.returncode == 2 and "guards.p_see" in wrong.stderr and "Traceback" not in wrong.stderr
    assert not (tmp_path / "v.md").exists()


def test_a_bad_posterior_draw_stops_the_validation_before_any_run(tmp_path, capsys):
    # `python -m sim.validate posterior_draw=k ...` composes its runs through to_config like sim.run: a draw the
    # calibration does not have exits 2 naming it (tests/config/test_posterior_draws.py: the draw is applied)
    from posterior import DRAWS, with_draws, write_draws

    from sim.inference import validate as iv

    draws = write_draws(tmp_path / "draws.parquet", DRAWS)
    out = tmp_path / "validation.md"
    args = ["--calibrations", "none", "--scenarios", "autumn2021", "--seeds", "1", "--out", str(out)]
    assert iv.main([*args, *with_draws(draws, "posterior_draw=9")]) == 2
    assert "posterior_draw: 9 is out of range; calibration `example` has draws 0..2" in capsys.readouterr().err
    assert not out.exists()
