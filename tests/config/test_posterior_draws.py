"""`posterior_draw=k` runs with row `draw == k` of the calibration's posterior draws (`sim.config.draws`), and every
mistake in asking for one is refused naming the key (the command line's exit 2: test_posterior_draws_cli.py).

The draws are a tiny `draws.parquet` written in tmp_path; the calibration naming them is either set on the command
line (`calibration.posterior=...`) or an option file like the ones `configs/calibration/` ships
(`# @package _global_`, fitted keys set beside the `calibration` block), found through `hydra.searchpath`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from posterior import DRAWS, bad_cases, with_draws, write_draws

from sim import BorderModel, ConfigError, load_config
from sim.config import CONFIG_DIR, Config, to_config
from sim.config.draws import REPO_ROOT, override_conflicts, read_draws

#: A short, busy window (people at the line within two days, November 2021).
WINDOW = ["start_date=2021-11-10", "days=2", "progress=false"]


@pytest.fixture
def draws(tmp_path) -> Path:
    return write_draws(tmp_path / "calibration" / "example" / "draws.parquet", DRAWS)


def test_calibration_none_applies_no_fitted_value_and_no_draw():
    cfg = to_config(load_config(["calibration=none"]))
    assert (cfg.calibration.name, cfg.calibration.posterior, cfg.posterior_draw) == ("none", None, None)
    guards = yaml.safe_load((CONFIG_DIR / "guards" / "default.yaml").read_text())
    assert cfg.guards.p_see == guards["p_see"]  # every behavioural parameter keeps its assumption value


def test_a_draw_sets_its_row_values_in_the_config(draws):
    composed = load_config(with_draws(draws))
    assert to_config(composed).guards.p_see == Config().guards.p_see  # the calibration alone: no draw applied
    for k in (0, 1, 2):
        composed.posterior_draw = k
        cfg = to_config(composed)
        assert cfg.posterior_draw == k
        assert cfg.guards.p_see == DRAWS["guards.p_see"][k]
        assert cfg.migrant.memory == round(DRAWS["migrant.memory"][k])
        assert isinstance(cfg.migrant.memory, int)  # an int-typed key gets the value rounded to an int
    assert to_config(load_config(with_draws(draws, "posterior_draw=1"))).migrant.memory == 4  # 3.6 -> 4, on the
    # command line as well


def test_applying_a_draw_again_changes_nothing_and_leaves_a_given_config_alone(draws):
    cfg = to_config(load_config(with_draws(draws, "posterior_draw=1")))
    assert to_config(cfg) == cfg  # a run's resolved config.yaml runs again as it ran
    given = to_config(load_config(with_draws(draws)))
    given.posterior_draw = 2
    applied = to_config(given)
    assert applied.guards.p_see == 0.3 and given.guards.p_see == Config().guards.p_see


def test_a_relative_posterior_path_is_read_from_the_repository_root(draws):
    relative = Path(*[".."] * len(REPO_ROOT.parts)) / draws.relative_to(draws.anchor)
    assert read_draws(str(relative)).keys == ("guards.p_see", "migrant.memory")


def test_a_calibrated_option_sets_its_fitted_keys_and_its_draws_override_them(tmp_path, draws):
    option = tmp_path / "options" / "calibration" / "example.yaml"
    option.parent.mkdir(parents=True)
    option.write_text(
        "# @package _global_\n"
        "calibration:\n"
        "  name: example\n"
        f"  posterior: {draws}\n"
        "  fitted_to: the test's made-up data\n"
        "guards:\n"
        "  p_see: 0.31  # fitted (ABC-SMC posterior median) to the test's made-up data\n"
    )
    search = f"hydra.searchpath=[file://{option.parent.parent}]"
    median = to_config(load_config([search, "calibration=example"]))
    assert (median.calibration.name, median.guards.p_see) == ("example", 0.31)
    # the scenario still comes after the calibration and keeps its own keys
    assert median.troops.ramp.poland == to_config(load_config()).troops.ramp.poland
    drawn = to_config(load_config([search, "calibration=example", "posterior_draw=0"]))
    assert drawn.guards.p_see == DRAWS["guards.p_see"][0]


def test_the_model_runs_with_the_draw_and_two_draws_give_different_results(draws):
    composed = load_config(with_draws(draws, *WINDOW, "posterior_draw=0"))
    models = {0: BorderModel(composed), 1: BorderModel(load_config(with_draws(draws, *WINDOW, "posterior_draw=1")))}
    assert models[1].cfg.guards.p_see == 0.6 and models[0].cfg.guards.p_see == 0.05
    again = BorderModel(composed).run(progress=False)
    for model in models.values():
        model.run(progress=False)
    assert again.summary == models[0].summary  # same seed, same draw: the same run
    assert models[0].summary != models[1].summary  # same seed, another draw: the draw's values change the run
    assert models[0].summary["total"]["apprehensions"] < models[1].summary["total"]["apprehensions"]


BAD_CASES = (  # every case of tests/posterior.py's bad_cases
    "too_high",
    "negative",
    "no_posterior",
    "missing_file",
    "unreadable_file",
    "unknown_key",
    "not_a_number_key",
    "text_column",
    "no_draw_column",
)


@pytest.mark.parametrize("case", BAD_CASES)
def test_a_bad_draw_request_is_refused_in_one_line_naming_the_key(tmp_path, draws, case):
    overrides, says = bad_cases(tmp_path, draws)[case]
    composed = load_config(overrides)
    with pytest.raises(ConfigError) as caught:
        to_config(composed)
    message = str(caught.value)
    assert "\n" not in message, message
    for part in says:
        assert part in message, f"{part!r} not in {message!r}"
    with pytest.raises(ConfigError):  # the model refuses it too, before running
        BorderModel(composed)


def test_a_key_the_draw_sets_may_not_be_set_on_the_command_line_too(draws):
    cfg = to_config(load_config(with_draws(draws, "posterior_draw=0")))
    override_conflicts(cfg, ["guards.p_apprehend=0.5", "seed=3", "posterior_draw=0"])  # keys the draw leaves
    for override in ("guards.p_see=0.5", "++migrant.memory=2"):
        with pytest.raises(ConfigError, match=r"^(guards\.p_see|migrant\.memory): set on the command line"):
            override_conflicts(cfg, ["days=2", override])
    median = to_config(load_config(with_draws(draws, "guards.p_see=0.5")))  # no draw: the command line is free
    override_conflicts(median, ["guards.p_see=0.5"])


def test_the_draws_file_is_read_once_per_process(draws, monkeypatch):
    read_draws(str(draws))
    calls = []
    monkeypatch.setattr(pd, "read_parquet", lambda *a, **k: calls.append(a) or pd.DataFrame(DRAWS))
    composed = load_config(with_draws(draws))
    for k in (0, 1, 2, 0):
        composed.posterior_draw = k
        to_config(composed)
    assert calls == []
    monkeypatch.undo()
    write_draws(draws, {**DRAWS, "guards.p_see": [0.5, 0.5, 0.55]})  # a rewritten file is read again
    composed.posterior_draw = 2
    assert to_config(composed).guards.p_see == 0.55
