"""Every numeric leaf of the config schema, tried with NaN, inf, -1, 0 and a huge value: each is either refused
before the run with a message naming the key, or gives a run whose outputs are finite and conserve people.

The leaves are found by walking the schema (`sim.config.Config`) over the default scenario, list items included,
so a field added later is tried without anyone listing it here.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from omegaconf import OmegaConf

from sim import BorderModel, ConfigError, load_config
from sim.config import Config, to_config, validate

#: A short, busy window: people in camps, at the line and inside the EU zone within two days (November 2021).
WINDOW = ["start_date=2021-11-10", "days=2", "progress=false"]
HUGE_FLOAT, HUGE_INT = 1e12, 10**12
TRIALS: tuple[tuple[str, float], ...] = (
    ("nan", math.nan),
    ("inf", math.inf),
    ("minus_one", -1),
    ("zero", 0),
    ("huge", HUGE_FLOAT),
)


def numeric_leaves(obj: Any, path: str = "") -> Iterator[tuple[str, tuple[str | int, ...], bool]]:
    """(dotted key as messages name it, path into the plain container, is an int) of every number in `obj`."""
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from numeric_leaves(item, f"{path}[{i}]")
        return
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        key = f"{path}.{f.name}" if path else f.name
        type_text = str(f.type)
        if dataclasses.is_dataclass(value) or (
            isinstance(value, list) and value and dataclasses.is_dataclass(value[0])
        ):
            yield from numeric_leaves(value, key)
        elif type_text.startswith("list[") and type_text[5:-1] in ("int", "float"):
            for i in range(len(value)):
                yield f"{key}[{i}]", (*container_path(key), i), type_text == "list[int]"
        elif "bool" not in type_text and ("float" in type_text or "int" in type_text):
            yield key, container_path(key), "float" not in type_text


def container_path(key: str) -> tuple[str | int, ...]:
    """`border.sections[2].length_km` -> ("border", "sections", 2, "length_km")."""
    out: list[str | int] = []
    for part in key.split("."):
        name, *indices = part.replace("]", "").split("[")
        out.append(name)
        out.extend(int(index) for index in indices)
    return tuple(out)


def default_config() -> Config:
    return to_config(load_config(WINDOW))


DEFAULT = default_config()
LEAVES = sorted({key: (path, is_int) for key, path, is_int in numeric_leaves(DEFAULT)}.items())


def with_value(path: tuple[str | int, ...], value: Any) -> Config:
    """The default config with one leaf set, checked as `to_config` checks a composed config.

    A number that the leaf's type cannot hold (NaN into an int) goes the way a command line would, through
    OmegaConf's typed merge; any other value is set on a copy of the validated object and range-checked, which is
    what `to_config` does after that merge (and 20 times faster, for ~750 trials).
    """
    if isinstance(value, float) and isinstance(leaf(DEFAULT, path), int) and not value.is_integer():
        plain = OmegaConf.to_container(OmegaConf.structured(DEFAULT), enum_to_str=True)
        node: Any = plain
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
        return to_config(plain)
    cfg = copy.deepcopy(DEFAULT)
    parent = leaf(cfg, path[:-1])
    if isinstance(path[-1], int):
        parent[path[-1]] = value
    else:
        setattr(parent, path[-1], value)
    return validate(cfg)


def leaf(obj: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        obj = obj[part] if isinstance(part, int) else getattr(obj, part)
    return obj


def test_the_walk_finds_the_leaves_of_every_kind():
    keys = {key for key, _ in LEAVES}
    for key in (
        "seed",
        "days",
        "guards.sight_km",
        "terrain.river.p_breach_factor",
        "escort.group_size.sigma",
        "escort.severity_weights[0]",
        "exposure.cold_months[0]",
        "border.sections[0].length_km",
        "arrivals.per_day[0].value",
        "troops.ramp.poland[0].value",
        "fence.rules[0].length_km",
        "memory_limit_gb",
    ):
        assert key in keys, key
    assert len(keys) > 100


def finite_outputs_and_people_conserved(model: BorderModel, conservation_gap) -> None:
    for name, table in (("daily", model.daily), ("segments", model.segments)):
        numbers = table.select_dtypes("number").to_numpy(dtype=float)
        assert np.isfinite(numbers).all(), f"{name} has a non-finite value"
    json.dumps(model.summary, allow_nan=False)  # raises on NaN or inf anywhere in the summary
    assert (conservation_gap(model.daily) == 0).all()


@pytest.mark.slow
@pytest.mark.parametrize(("key", "path", "is_int"), [(k, p, i) for k, (p, i) in LEAVES], ids=[k for k, _ in LEAVES])
def test_every_numeric_leaf_is_refused_by_name_or_runs_clean(key, path, is_int, conservation_gap):
    outcomes = {}
    for name, value in TRIALS:
        if is_int and isinstance(value, float) and math.isfinite(value):
            value = HUGE_INT if name == "huge" else int(value)
        try:
            cfg = with_value(path, value)
        except ConfigError as err:
            assert key in str(err), f"{key}={value}: the message does not name the key:\n{err}"
            outcomes[name] = "refused"
            continue
        assert math.isfinite(value), f"{key}={value} was accepted"
        outcomes[name] = "ran"
        if value == leaf(DEFAULT, path):
            continue  # the default scenario itself: nothing new to run
        finite_outputs_and_people_conserved(BorderModel(cfg).run(progress=False), conservation_gap)
    assert outcomes["nan"] == outcomes["inf"] == "refused"
