"""The inference layer's foundations: the registry of assumption parameters, applying values to a config, and
measuring the sourced targets in a run the same way `sim.validate` does."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from sim.analysis import validate as v
from sim.config import ConfigError, load_config, to_config
from sim.core.model import BorderModel
from sim.inference import parameters as pm
from sim.inference import targets as tg
from tests.tolerance import assert_same_values


@pytest.fixture(scope="module")
def base():
    return to_config(load_config(["progress=false"]))


def test_every_registered_parameter_is_a_numeric_config_key_whose_default_lies_in_its_range(base):
    keys = [p.key for p in pm.ASSUMPTIONS]
    assert len(keys) == len(set(keys)), "a key is registered twice"
    for p in pm.ASSUMPTIONS:
        value = pm.value_of(base, p.key)
        assert p.low <= value <= p.high, f"{p.key}: default {value} outside its prior [{p.low}, {p.high}]"
        assert p.why, f"{p.key}: the range needs a reason"


def test_every_corner_of_the_prior_box_is_a_valid_config(base):
    # a sensitivity analysis samples the corners and the grid between them: none may fail the cross-checks
    # (a barrier's breach chance times a terrain's breach factor must not exceed 1)
    rng = np.random.default_rng(0)
    points = [np.zeros(len(pm.ASSUMPTIONS)), np.ones(len(pm.ASSUMPTIONS)), *rng.integers(0, 2, (40, 73)).astype(float)]
    for u in points:
        pm.apply(base, {p.key: float(p.from_unit(x)) for p, x in zip(pm.ASSUMPTIONS, u, strict=True)})
    assert pm.value_of(base, "barriers.none.p_breach") == pm.OPEN_LINE_BREACH


def test_no_sourced_input_or_scenario_lever_is_registered():
    never = ("troops.", "policy.", "border.", "cost.", "fence.", "arrivals.", "escort.units", "escort.scale")
    assert not [p.key for p in pm.ASSUMPTIONS if p.key.startswith(never)]


def test_apply_sets_values_rounds_integer_fields_and_leaves_the_original_alone(base):
    before = (base.guards.p_see, base.migrant.retry_hours)
    changed = pm.apply(base, {"guards.p_see": 0.33, "migrant.retry_hours": 4.6, "terrain.swamp.lose_factor": 3.0})
    assert changed.guards.p_see == 0.33
    assert changed.migrant.retry_hours == 5 and isinstance(changed.migrant.retry_hours, int)
    assert changed.terrain.swamp.lose_factor == 3.0
    assert (base.guards.p_see, base.migrant.retry_hours) == before != (0.33, 5)  # a copy, not an edit
    assert dataclasses.replace(changed, guards=base.guards, migrant=base.migrant, terrain=base.terrain) == base


def test_apply_names_the_key_of_a_bad_value(base):
    with pytest.raises(ConfigError, match="p_see"):
        pm.apply(base, {"guards.p_see": 1.5})
    with pytest.raises(KeyError, match=r"guards\.p_sea"):
        pm.apply(base, {"guards.p_sea": 0.1})
    with pytest.raises(TypeError, match=r"guards\.deployment"):
        pm.apply(base, {"guards.deployment": 1.0})


def test_unit_scale_round_trips_and_log_ranges_are_geometric():
    p = pm.BY_KEY["guards.p_see"]
    assert p.log
    u = np.linspace(0, 1, 5)
    np.testing.assert_allclose(p.to_unit(p.from_unit(u)), u, atol=1e-12)
    np.testing.assert_allclose(p.from_unit(0.5), np.sqrt(p.low * p.high))
    with pytest.raises(KeyError, match="not a registered"):
        pm.parameters(["guards.nonsense"])


def test_the_data_says_which_figures_are_fitted_and_the_targets_follow_it():
    figures = v.read_figures()
    assert {f.use for f in figures} == {"fit", "check", "duplicate"}
    window = tg.window_for("2021-06-01", 214, "autumn2021")
    fit = tg.targets({"autumn2021": window}, ["fit"])
    check = tg.targets({"autumn2021": window}, ["check"])
    assert fit and check and not {t.figure.row for t in fit} & {t.figure.row for t in check}
    assert all(t.use == "fit" for t in fit)
    # the 2021 targets: Polish monthly attempts, Lithuanian apprehensions, massing, deaths
    metrics = {t.figure.metric for t in fit}
    assert {"attempted_illegal_crossings_from_BY", "irregular_migrants_apprehended_from_BY"} <= metrics
    assert {"migrants_massed_at_Kuznica", "migrants_remaining_in_BY", "deaths_all_sides"} <= metrics
    # a duplicate row is compared nowhere
    assert all(f.use != "duplicate" or v.why_not_compared(f) for f in figures)


def test_targets_measure_a_run_as_validate_reads_its_daily_table():
    daily = BorderModel(load_config(["progress=false", "days=120"])).run(progress=False).daily
    window = tg.window_for("2021-06-01", 120, "autumn2021")
    chosen = tg.targets({"autumn2021": window}, ["fit", "check"])
    assert len(chosen) > 5
    fast = tg.measure_all(daily, chosen)
    slow = np.array([v.measure(daily, t.figure, window) for t in chosen])
    assert_same_values(fast, slow, "targets.measure against validate.measure")


def _target(low, high=None, metric="attempted_illegal_crossings_from_BY"):
    fig = v.Figure(1, "PL", metric, None, None, low, high, "attempts", "a source", "", "fit")
    window = tg.window_for("2021-06-01", 10, "autumn2021")
    return tg.Target(fig, "autumn2021", window, "full")


def test_log_errors_are_zero_inside_a_range_or_a_minimum_count_and_symmetric_in_log_outside():
    chosen = [_target(100), _target(5000, 7000), _target(10, metric="deaths_all_sides")]
    errors = tg.log_errors(np.array([[100, 6000, 40], [201, 4000, 9]]), chosen)
    np.testing.assert_allclose(errors[0], 0.0)
    np.testing.assert_allclose(errors[1], [np.log(202 / 101), np.log(4001 / 5001), np.log(10 / 11)])
    # a minimum count is an error above UNDERCOUNT times itself
    assert tg.log_errors(np.array([60.0]), [chosen[2]])[0] > 0


def test_distance_weighs_each_series_as_one_figure():
    series = [_target(100), _target(100), _target(100), _target(100)]
    single = _target(100, metric="migrants_massed_at_Kuznica")
    chosen = [*series, single]
    np.testing.assert_allclose(tg.weights(chosen), [0.25, 0.25, 0.25, 0.25, 1.0])
    off_series = np.array([200.0, 200.0, 200.0, 200.0, 100.0])
    off_single = np.array([100.0, 100.0, 100.0, 100.0, 200.0])
    np.testing.assert_allclose(tg.distance(off_series, chosen), tg.distance(off_single, chosen))
    assert tg.distance(np.full(5, 100.0), chosen) == 0.0
    assert tg.distance(np.array([np.nan, 100, 100, 100, 100]), chosen) > 0


def test_outputs_summarise_a_run_per_country():
    from sim.inference.simulate import OUTPUTS, outputs

    daily = pd.DataFrame(
        {
            "country": ["poland", "lithuania", "belarus"],
            "reported_attempts": [10, 5, 0],
            "crossings": [2, 1, 0],
            "apprehensions": [6, 3, 0],
            "deaths": [1, 0, 2],
        }
    )
    out = outputs(daily)
    assert tuple(out) == OUTPUTS
    assert out == {
        "poland_reported_attempts": 10.0,
        "poland_crossings": 2.0,
        "lithuania_crossings": 1.0,
        "interception_rate": 9 / 12,
        "deaths": 3.0,
    }
