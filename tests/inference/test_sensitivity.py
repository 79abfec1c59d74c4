"""`python -m sim.sensitivity`: Morris screening and Sobol indices, on a stand-in model (the analysis) and on a few
days of the real one (the command, its files and its options)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.inference import sensitivity as sa
from sim.inference.simulate import OUTPUTS
from tests.commands import printed, run_module

#: Registered keys for the stand-in model: A acts strongly, B weakly, C not at all.
A, B, C = "guards.p_see", "migrant.walk_kmh_eu", "barriers.steel_wall.p_breach"


def stand_in(settings, params, unit, first, label):
    """Outputs as known functions of the unit-cube values: C never matters, the third output never changes."""
    col = {p.key: unit[:, j] for j, p in enumerate(params)}
    zero = np.zeros(len(unit))
    a, b = col.get(A, zero), col.get(B, zero)
    return np.column_stack([10 * a + b, a * b + 0.1 * b, np.full(len(unit), 7.0), a, b**2])


def test_the_screening_ranks_a_parameter_without_effect_last_and_reports_a_constant_output():
    settings = sa.Settings(keys=(C, B, A), trajectories=6, sobol_top=0, days=5)
    morris = sa.analyse(settings, stand_in).morris
    assert len(morris) == 3 * len(OUTPUTS)
    assert sa.ranking(morris) == [A, B, C]
    by = morris.set_index(["parameter", "output"])
    assert by.loc[(C, "poland_reported_attempts"), "mu_star"] == 0.0
    assert by.loc[(A, "poland_reported_attempts"), "mu_star_norm"] == 1.0
    assert morris.loc[morris["parameter"] == C, "score"].eq(0).all()
    # a linear effect: mu* is the slope times the step (2/3 of the unit range)
    np.testing.assert_allclose(by.loc[(A, "poland_reported_attempts"), "mu_star"], 10.0)
    constant = morris[morris["output"] == "lithuania_crossings"]
    assert constant["mu_star"].isna().all() and (constant["note"] == "the same in every run").all()


def test_sobol_indices_of_an_additive_model_follow_the_variance_of_each_term():
    settings = sa.Settings(keys=(C, B, A), trajectories=4, sobol_top=2, sobol_n=256, days=5)
    result = sa.analyse(settings, stand_in)
    sobol = result.sobol.set_index(["parameter", "output"])
    assert set(result.sobol["parameter"]) == {A, B}  # the top two of the screening, not C
    # 10 a + b with a, b uniform: S1 = 100/101 and 1/101, no interaction
    s1a, sta = sobol.loc[(A, "poland_reported_attempts"), ["S1", "ST"]]
    s1b = sobol.loc[(B, "poland_reported_attempts"), "S1"]
    assert abs(s1a - 100 / 101) < 0.1 and abs(sta - 100 / 101) < 0.1 and s1b < 0.05
    assert result.sobol_runs == 256 * (2 + 2)


def _tiny(tmp_path, *extra):
    return [
        "--days", "10", "--trajectories", "2", "--sobol-top", "2", "--sobol-n", "2", "--jobs", "1",
        "--parameters", A, B, C, "--out", str(tmp_path), *extra,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sens")
    assert sa.main(_tiny(out)) == 0
    return out


def test_the_command_writes_tables_figures_settings_and_a_summary(tiny_run):
    morris = pd.read_csv(tiny_run / "morris.csv")
    sobol = pd.read_csv(tiny_run / "sobol.csv")
    assert list(morris.columns) == [*sa.MORRIS_COLUMNS, "note"] and len(morris) == 3 * len(OUTPUTS)
    assert list(sobol.columns) == sa.SOBOL_COLUMNS and len(sobol) == 2 * len(OUTPUTS)
    assert (tiny_run / "morris.png").stat().st_size > 0 and (tiny_run / "sobol.png").stat().st_size > 0
    settings = json.loads((tiny_run / "settings.json").read_text())
    assert settings["keys"] == [A, B, C] and settings["days"] == 10 and settings["model_seeds"] == [0]
    assert settings["morris_runs"] == 2 * 4 + sa.NOISE_REPEATS and settings["sobol_runs"] == 2 * 4
    assert not settings["quick"] and settings["command"].startswith("python -m sim.sensitivity --days 10")
    doc = (tiny_run / "sensitivity.md").read_text()
    assert "Morris screening" in doc and "chosen by this analysis" in doc and "quick run" not in doc.lower()


def test_a_parameter_that_cannot_act_in_the_run_ranks_below_one_that_does(tiny_run):
    # 2021 has no steel wall: its breach chance changes nothing, the covert walking speed in the EU does
    morris = pd.read_csv(tiny_run / "morris.csv", keep_default_na=False, na_values=[""])
    wall = morris[morris["parameter"] == C]
    assert (wall["mu_star"].fillna(0) == 0).all()
    walk = morris[morris["parameter"] == B]
    assert walk["rank"].iloc[0] < wall["rank"].iloc[0] and walk["score"].iloc[0] > 0


def test_the_same_sampling_seed_gives_the_same_files_and_another_seed_other_points(tiny_run, tmp_path):
    again = tmp_path / "again"
    assert sa.main(_tiny(again)) == 0
    for name in ("morris.csv", "sobol.csv"):
        assert (again / name).read_text() == (tiny_run / name).read_text(), name
    settings = sa.Settings(keys=(A, B, C), trajectories=2)
    other = sa.Settings(keys=(A, B, C), trajectories=2, seed=1)
    assert not np.array_equal(sa.morris_sample(settings, settings.params), sa.morris_sample(other, other.params))


def test_reuse_renders_saved_results_without_running_and_refuses_other_settings(tiny_run, tmp_path, capsys):
    out = tmp_path / "copy"
    out.mkdir()
    for name in ("morris.csv", "sobol.csv", "settings.json"):
        (out / name).write_text((tiny_run / name).read_text())

    def must_not_run(*args):
        raise AssertionError("--reuse ran the model")

    assert sa.main([*_tiny(out), "--reuse"], run=must_not_run) == 0
    assert (out / "sobol.csv").read_text() == (tiny_run / "sobol.csv").read_text()
    assert sa.main([*_tiny(out, "--trajectories", "3"), "--reuse"], run=must_not_run) == 2
    assert "trajectories" in capsys.readouterr().err


def test_quick_runs_through_the_entry_point_in_worker_processes_and_says_it_is_quick(tmp_path):
    done = run_module("sim.sensitivity", "--quick", *_tiny(tmp_path, "--jobs", "2", "--days", "5"))
    assert done.returncode == 0, printed(done)
    assert "quick run" in (tmp_path / "sensitivity.md").read_text().lower()
    assert json.loads((tmp_path / "settings.json").read_text())["quick"] is True


def test_quick_and_full_runs_write_to_different_places():
    _, out, doc, _ = sa.settings_from(["--quick"])
    assert out == sa.QUICK_OUT and doc == sa.QUICK_OUT / "sensitivity.md"
    settings, out, doc, _ = sa.settings_from([])
    assert (out, doc) == (sa.DEFAULT_OUT, sa.DEFAULT_DOC) and settings.days is None and settings.trajectories == 8


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--trajectories", "1"], "--trajectories"),
        (["--sobol-n", "6"], "--sobol-n"),
        (["--seeds", "0"], "--seeds"),
        (["--jobs", "0"], "--jobs"),
        (["--jobs", "many"], "--jobs"),
        (["--days", "0"], "--days"),
        (["--seed", "-1"], "--seed"),
        (["--parameters", "guards.p_sea"], "guards.p_sea"),
        (["--parameters", A, B, "--sobol-top", "3"], "--sobol-top"),
        (["--scenario", "nonesuch"], "scenario=nonesuch"),
        (["guards.p_see=7"], "p_see"),
    ],
)
def test_a_bad_option_exits_2_with_one_line_naming_it(args, named, capsys, tmp_path):
    def must_not_run(*a):
        raise AssertionError("ran the model")

    try:
        code = sa.main([*args, "--out", str(tmp_path)], run=must_not_run)
    except SystemExit as stop:
        code = stop.code
    err = capsys.readouterr().err.strip()
    assert code == 2 and named in err and "Traceback" not in err
    assert len(err.splitlines()) == 1, err


def test_the_report_says_why_a_parameter_without_effect_has_none():
    # a constructed screening: four keys never change an output (one with no known reason), one acts within the noise
    wall = ["barriers.steel_wall.p_breach", "barriers.steel_wall.p_detect"]
    keys = ["escort.p_incursion", *wall, "escort.n_units", "guards.p_see"]
    rows = [
        {"parameter": k, "output": o, "mu_star": 1.0 if k == "guards.p_see" else 0.0, "rank": (rank + 4) % 5 + 1}
        for rank, k in enumerate(keys)
        for o in OUTPUTS
    ]
    text = "\n".join(sa._morris_reading(pd.DataFrame(rows), {o: 2.0 for o in OUTPUTS}))
    assert "4 parameter(s) changed no output at all" in text
    assert text.index("act but stay within the noise floor") < text.index("Parameters without effect, and why")
    assert "- `escort.p_incursion`: an incursion is only counted" in text
    assert (
        "- `barriers.steel_wall.p_breach`, `barriers.steel_wall.p_detect`: no `fence.rules` entry of the run " in text
    )
    assert "- `escort.n_units`" not in text and "- `guards.p_see`" not in text  # no reason known; acts
    assert sa.why_no_effect("guards.p_see") is None
