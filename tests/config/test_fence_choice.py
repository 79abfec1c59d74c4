"""A fence chosen per country (`fence.poland=<option>`, `fence.lithuania=<option>`; sim/config/fence_choice.py):
each country's line gets exactly the barriers that option puts on it, the other line keeps the group's, the
resolved config names what each got and resolves to itself, and a mistake names the key and the options."""

from __future__ import annotations

import functools
import random
import shutil

import numpy as np
import pytest
from omegaconf import OmegaConf

from sim import BorderModel, ConfigError, load_config
from sim.config import CONFIG_DIR, fence_choice, to_config
from sim.config.enums import BARRIERS, TERRAINS, Country
from sim.config.timeline import Calendar
from sim.core.border import Border

OPTIONS = sorted(p.stem for p in (CONFIG_DIR / "fence").glob("*.yaml"))
#: From June 2021 to 2024: every shipped option's dated building (2021 and 2022-23) happens in it.
WINDOW = ["start_date=2021-06-01", "days=1000"]


@functools.cache  # each `fence=<option>` alone serves several cases (read only)
def _plan(*overrides: str) -> tuple[Border, tuple[np.ndarray, ...]]:
    """The border a model of this config builds, and its construction plan (barrier, sensors, capex per km: days x
    segments). `BorderModel` builds its border the same way; `test_a_wall_chosen_for_poland_...` builds a model."""
    config = to_config(load_config([*overrides, *WINDOW]))
    border = Border(config, Calendar(config.start_date, config.days), random.Random(0))
    return border, border.plan


def _country_part(border: Border, plan: tuple[np.ndarray, ...], country: str) -> tuple[np.ndarray, ...]:
    ids = np.flatnonzero(border.country == int(Country[country.upper()]))
    return tuple(table[:, ids] for table in plan)


def _assert_same_plan(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...], what: str) -> None:
    for name, x, y in zip(("barrier", "sensors", "capex"), a, b, strict=True):
        np.testing.assert_array_equal(x, y, err_msg=f"{what}: {name}")


# --- each country gets its option's barriers, and only its own ------------------------------------------------

CHOICES = [
    # (fence group, fence.poland, fence.lithuania): what each country's line must look like
    ("none", "steel_wall", None),
    ("steel_wall", None, "none"),
    ("none", "steel_wall", "razor_wire"),
    ("razor_wire", "none", "steel_wall"),
    ("autumn2021", "none", None),
    ("none", "as_built_2022", "autumn2021"),
    ("year2023", "steel_wall", None),
]


@pytest.mark.parametrize(("group", "poland", "lithuania"), CHOICES)
def test_each_country_gets_exactly_the_barriers_its_option_puts_on_its_line(group, poland, lithuania):
    chosen = [f"fence.{c}={o}" for c, o in (("poland", poland), ("lithuania", lithuania)) if o is not None]
    border, plan = _plan(f"fence={group}", *chosen)
    for country, option in (("poland", poland or group), ("lithuania", lithuania or group)):
        alone, alone_plan = _plan(f"fence={option}")
        _assert_same_plan(
            _country_part(border, plan, country),
            _country_part(alone, alone_plan, country),
            f"fence={group} {' '.join(chosen)}: the {country} line against fence={option}",
        )


def test_a_wall_chosen_for_poland_stands_on_polish_segments_only():
    model = BorderModel(load_config(["fence=none", "fence.poland=steel_wall", "days=2"]))
    border = model.border
    wall = border.barrier == BARRIERS.index("steel_wall")
    polish = border.country == int(Country.POLAND)
    land = border.terrain != TERRAINS.index("river")
    assert wall.any()
    np.testing.assert_array_equal(wall, polish & land)  # every Polish land segment, nothing else
    np.testing.assert_array_equal(border.sensors, polish & land)
    assert not border.barrier[~polish].any()  # Lithuania: no barrier at all (the group's `none`)


# --- the resolved config ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "got"),
    [
        ([], ("autumn2021", "autumn2021")),  # the default scenario: both lines the group's option
        (["fence=steel_wall"], ("steel_wall", "steel_wall")),
        (["fence=none", "fence.poland=steel_wall"], ("steel_wall", "none")),
        (["fence.lithuania=none"], ("autumn2021", "none")),
        (["fence=steel_wall", "fence.poland=null"], ("steel_wall", "steel_wall")),
        # rules edited beyond the option: that line's key stays null (no option name would be true), the other's not
        (["fence=none", "fence.rules=[{country:poland,terrains:[forest],barrier:razor_wire}]"], (None, "none")),
    ],
)
def test_the_resolved_config_names_the_option_each_country_got(overrides, got):
    fence = to_config(load_config(overrides)).fence
    assert (fence.poland, fence.lithuania) == got


def test_a_group_choice_alone_keeps_its_rules_as_they_are():
    # `fence=steel_wall` has one rule for both lines: without a country's choice it is neither split nor reordered
    # (the scenarios' outputs stay as they were)
    composed = load_config(["fence=steel_wall"]).fence.rules
    rules = to_config(load_config(["fence=steel_wall"])).fence.rules
    assert len(rules) == len(composed) == 1 and rules[0].country is None
    assert to_config(load_config(["fence=steel_wall", "fence.poland=steel_wall"])).fence.rules == rules


@pytest.mark.parametrize(
    "overrides",
    [
        ["fence=none", "fence.poland=steel_wall"],
        ["fence=none", "fence.rules=[{country:poland,terrains:[forest],barrier:razor_wire}]"],
        ["fence=steel_wall", "fence.lithuania=none"],
        ["scenario=year2023", "fence.poland=none", "fence.lithuania=razor_wire"],
        [],
    ],
)
def test_a_resolved_config_resolves_to_itself(overrides):
    config = to_config(load_config(overrides))
    again = to_config(OmegaConf.create(OmegaConf.to_yaml(OmegaConf.structured(config))))  # a saved config.yaml
    assert again == config
    assert to_config(config) == config


# --- mistakes name the key and what is allowed -------------------------------------------------------------------


@pytest.mark.parametrize("country", ["poland", "lithuania"])
@pytest.mark.parametrize("name", ["stel_wall", "../scenario/autumn2021", ""])
def test_an_unknown_option_names_the_key_and_the_options(country, name):
    with pytest.raises(ConfigError) as err:
        to_config(load_config([f"fence.{country}='{name}'"]))
    message = str(err.value)
    assert f"fence.{country}={name}: no such fence option" in message
    assert "allowed: " + ", ".join(OPTIONS) in message


def test_a_rule_for_both_lines_with_a_length_cannot_be_split():
    rule = "{terrains:[forest],barrier:razor_wire,length_km:50}"
    with pytest.raises(ConfigError, match=r"fence\.lithuania: fence\.rules\[0\] .* rule for both lines with a length"):
        to_config(load_config([f"fence.rules=[{rule}]", "fence.poland=steel_wall"]))
    # without a country's choice the same rule is fine: it is applied along both lines as written
    assert to_config(load_config([f"fence.rules=[{rule}]"])).fence.rules[0].length_km == 50


def test_a_variant_of_an_option_can_be_chosen_for_one_country(tmp_path, monkeypatch):
    fences = tmp_path / "fence"
    shutil.copytree(CONFIG_DIR / "fence", fences)
    (fences / "cheap_wall.yaml").write_text(
        "defaults: [steel_wall]\nname: cheap_wall\nrules:\n"
        "  - {terrains: [forest, field, swamp], barrier: steel_wall, sensors: false}\n"
    )
    (fences / "loop.yaml").write_text("defaults: [loop]\nname: loop\n")
    monkeypatch.setattr(fence_choice, "FENCE_DIR", fences)
    config = to_config(load_config(["fence=none", "fence.poland=cheap_wall"]))
    assert [(r.country.value, r.barrier.value, r.sensors) for r in config.fence.rules] == [
        ("poland", "steel_wall", False)
    ]
    assert "cheap_wall" in fence_choice.fence_options()
    with pytest.raises(ConfigError, match=r"fence\.poland: configs/fence/loop\.yaml starts from itself"):
        to_config(load_config(["fence.poland=loop"]))


def test_the_options_are_read_from_the_fence_group():
    assert fence_choice.FENCE_DIR == CONFIG_DIR / "fence"
    assert fence_choice.fence_options() == OPTIONS
