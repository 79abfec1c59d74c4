"""The `experiment` block (sim/config/experiment.py): every shipped experiment states its name, question,
description and baseline, the block is checked like any key, and runs outside an experiment carry it empty."""

from __future__ import annotations

import re

import pytest
import yaml

from sim import ConfigError, load_config
from sim.config import CONFIG_DIR, to_config
from sim.config.experiment import experiment_file_problem
from sim.config.overrides import split_top_level

EXPERIMENTS = sorted(p.stem for p in (CONFIG_DIR / "experiment").glob("*.yaml"))


def _swept(name: str) -> dict[str, list[str]]:
    """The experiment's own sweep: key -> its values as written (`hydra.sweeper.params`)."""
    data = yaml.safe_load((CONFIG_DIR / "experiment" / f"{name}.yaml").read_text())
    params = data["hydra"]["sweeper"]["params"]
    return {key: [v.strip() for v in str(values).split(",")] for key, values in params.items()}


def test_the_headline_experiment_is_shipped():
    assert "poland_wall_vs_troops" in EXPERIMENTS


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_states_its_frame(name):
    info = to_config(load_config([f"+experiment={name}"])).experiment
    assert info.name == name
    assert info.question.strip().endswith("?") and len(info.question.split()) >= 5
    assert len(info.description.split()) >= 20
    # its baseline is one scenario of its own sweep: every key swept (seed aside), each value one of the sweep's
    swept = _swept(name)
    pairs = dict(item.split("=", 1) for item in split_top_level(info.baseline))
    assert set(pairs) == set(swept) - {"seed"}, info.baseline
    for key, value in pairs.items():
        assert value in swept[key], f"{key}={value} is not swept by {name}"


def test_a_run_outside_an_experiment_carries_an_empty_block():
    info = to_config(load_config([])).experiment
    assert (info.name, info.question, info.description, info.baseline) == ("", "", "", "")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("experiment.question='Does a wall work'", r"experiment\.question='Does a wall work': allowed one sentence"),
        ("experiment.name=a/b", r"experiment\.name='a/b': allowed the experiment's file name"),
        ("experiment.baseline='fence=none,troops.polandd=2000'", r"experiment\.baseline=.*'troops\.polandd' is no"),
        ("experiment.baseline='fence=none,troops.poland'", r"experiment\.baseline=.*'troops\.poland' is not key=v"),
    ],
)
def test_a_bad_experiment_block_names_its_key(override, message):
    with pytest.raises(ConfigError, match=message):
        to_config(load_config([override]))


def test_a_baseline_may_hold_commas_inside_a_value():
    baseline = "troops.ramp.poland=[{date:'2021-08-01',value:0.2}],fence=none"
    assert len(split_top_level(baseline)) == 2
    info = to_config(load_config([f'experiment.baseline="{baseline}"'])).experiment
    assert info.baseline == baseline


def test_an_experiment_named_after_another_file_is_refused():
    assert experiment_file_problem("poland_wall_vs_troops", "poland_wall_vs_troops") is None
    assert experiment_file_problem("", "mine") is None  # a block without a name: nothing to contradict
    assert experiment_file_problem("quick_compare", None) is None  # no experiment chosen (a saved config's rerun)
    problem = experiment_file_problem("quick_compare", "mine")
    assert problem and re.search(r"experiment\.name='quick_compare' .* 'mine' \(configs/experiment/mine\.yaml", problem)
