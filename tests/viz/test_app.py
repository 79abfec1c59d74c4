"""The interactive app's model and drawings, without a browser (tests/viz/test_app_browser.py drives the page)."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from sim import RunEndedError
from sim.config.timeline import HOURS_PER_DAY
from sim.core.states import ZONE_STATES
from sim.viz import app
from sim.viz.border_map import draw_border_map, people_cells


@pytest.fixture(scope="module")
def stepped() -> app.AppModel:
    """An app model with every control moved off its default, stepped three days."""
    model = app.AppModel(
        scenario_name="autumn2021",
        fence="steel_wall",
        troops_poland=4000,
        troops_lithuania=2500,
        pushback_share=0.5,
        escort_strategy="weakest",
        seed=3,
    )
    for _ in range(3):
        model.step()
    return model


def test_controls_become_the_config(stepped):
    cfg = stepped.cfg
    assert cfg.fence.name == "steel_wall"
    assert (cfg.troops.poland, cfg.troops.lithuania) == (4000, 2500)
    assert cfg.policy.poland.pushback_share == cfg.policy.lithuania.pushback_share == 0.5
    assert cfg.escort.strategy.value == "weakest"
    assert cfg.seed == 3


def test_scenario_fence_is_kept_unless_chosen():
    assert "fence=" not in " ".join(app.overrides("wall_in_2021", app.SCENARIO_FENCE, 1, 1, 0.0, "random", 0))
    model = app.AppModel(scenario_name="wall_in_2021", fence=app.SCENARIO_FENCE)
    assert model.cfg.fence.name == "as_built_2022"
    assert model.cfg.scenario == "wall_in_2021"


def test_defaults_follow_the_default_config():
    model = app.AppModel()
    default = app.DEFAULTS
    assert model.cfg.scenario == default.scenario
    assert model.cfg.troops.poland == default.troops.poland
    assert model.cfg.escort.strategy == default.escort.strategy
    assert set(app.model_params) <= set(app.AppModel.__init__.__code__.co_varnames)


@pytest.mark.parametrize("hours", [1, 6, 24])
def test_one_app_step_is_hours_per_step_model_hours(hours):
    model = app.AppModel(hours_per_step=hours)
    model.step()
    model.step()
    assert model.hour == 2 * hours
    assert model.steps == 2


def test_plotted_daily_counters_are_the_days_of_model_daily(stepped):
    collected = stepped.datacollector.get_model_vars_dataframe()
    assert len(collected) == 3  # one row per midnight
    daily = stepped.daily
    eu = daily[daily["country"] != "belarus"].groupby("day")[list(app.DAILY_COUNTERS)].sum()
    for name in app.DAILY_COUNTERS:  # counts (whole numbers as floats) add up exactly: compared exactly
        np.testing.assert_array_equal(collected[name].to_numpy(), eu.loc[:2, name].to_numpy(), err_msg=name)
    assert collected["attempts"].sum() > 0
    for name in app.STOCKS:  # the model's own reporters are kept
        assert name in collected


def test_numbers_panel_shows_the_summary(stepped):
    html = app.numbers_html(stepped)
    total = stepped.summary["total"]
    assert f"<td>{total['attempts']:,}</td>" in html
    assert f"<td>{total['crossings']:,}</td>" in html
    assert "(hour 72)" in html
    assert "fence: steel_wall" in html


def test_map_counts_everyone_in_the_zone():
    # year2023: both lines busy from day 0 (autumn2021 starts on 1 Jun 2021 with few people, Lithuania alone)
    stepped = app.AppModel(scenario_name="year2023", fence="steel_wall", escort_strategy="weakest", seed=3)
    for _ in range(3):
        stepped.step()
    people = stepped.people.to_df()
    in_zone = int(people["state"].isin([s.name for s in ZONE_STATES]).sum())
    cells = people_cells(stepped, people)
    assert in_zone > 0
    assert int(cells["count"].sum()) == in_zone
    assert len(cells) < in_zone  # counted per cell, not drawn one by one
    fig = draw_border_map(stepped)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2  # Poland's and Lithuania's lines
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any(label.startswith("patrols on duty") for label in labels)


def test_the_page_is_a_solaraviz_element():
    assert app.page is not None
    assert type(app.page).__name__ == "Element"


def test_reset_frees_the_model_it_replaces():
    """Mesa's controller builds a new model on every Reset; the ones it replaced must not stay in memory (Mesa 3.3
    kept every model for good: sim/core/mesa_compat.py). The page's panels are drawn for each model in between."""
    import gc
    import weakref

    import ipyvuetify as v
    import solara
    from mesa.visualization.solara_viz import ModelController

    model = solara.reactive(app.AppModel(seed=1))
    controls = {"model_parameters": solara.reactive({"seed": 2}), "play_interval": solara.reactive(100)}
    controls.update(render_interval=solara.reactive(1), use_threads=solara.reactive(False))

    @solara.component
    def controlled_page() -> None:
        ModelController(model, **controls)
        for panel in (app.BorderMap, app.Numbers, app.DailyCounters, app.Stocks):
            panel(model.value)

    _, rc = solara.render(controlled_page(), handle_error=False)
    replaced = []
    try:
        for _ in range(4):
            rc.find(v.Btn, children=["Step"]).widget.click()
            assert model.value.hour == HOURS_PER_DAY
            replaced.append(weakref.ref(model.value))
            rc.find(v.Btn, children=["Reset"]).widget.click()
            assert model.value.hour == 0 and model.value.cfg.seed == 2
        gc.collect()
        # the first model stays, as the reactive's initial value (the page keeps the model it was made with once);
        # every model a Reset made and a later Reset replaced is gone
        assert replaced[0]() is not None
        assert [ref() is None for ref in replaced[1:]] == [True] * 3
    finally:
        rc.close()


def test_an_app_step_stops_at_the_end_and_one_after_it_is_a_clear_error():
    model = app.AppModel(hours_per_step=10_000)  # longer than the season: one step runs to its end
    model.step()
    assert model.ended and not model.running and model.hour == model.calendar.hours
    with pytest.raises(RunEndedError, match=f"ended at hour {model.calendar.hours}"):
        model.step()
