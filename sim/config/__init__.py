"""Configuration: what a run is told, one schema module per component config group, checked before a run starts.

    configs/<group>/default.yaml  <->  sim/config/<module>.py
    border, terrain               ->   border.py        migrant  -> migrant.py     policy   -> policy.py
    fence, barriers, sensors      ->   fence.py         escort   -> escort.py      exposure -> exposure.py
    arrivals, camps               ->   arrivals.py      troops, guards -> guards.py  cost   -> cost.py
    calibration                   ->   calibration.py   (fitted values; `posterior_draw` picks a draw: draws.py)
    experiment (the block an experiment sets: name, question, description, baseline) -> experiment.py

`root.py` joins them into `Config` (plus seed, dates and limits); `fields.py` holds the ranges and dated points
they are built from; `validation.py` checks a whole config (ranges, NaN/inf, dates, sections and Border Guard
posts tiling each line, memory via `resources.py`); `compose.py` composes configs with Hydra (`load_config`) and
turns them into a validated `Config` (`to_config`). `enums.py` and `timeline.py` are the vocabulary and calendar
configs are written in. This layer imports nothing else of the package; Hydra and OmegaConf are loaded only when
composing. `draws.py` reads a calibration's posterior draws (pandas) when `posterior_draw` asks for one;
`fence_choice.py` reads the fence group's options (configs/fence/) when a country's fence is chosen
(`fence.poland=steel_wall`).
"""

from sim.config.compose import CONFIG_DIR, load_config, register_configs, to_config
from sim.config.fields import ConfigError, parse_date
from sim.config.resources import memory_estimate
from sim.config.root import Config
from sim.config.validation import dated_inputs, run_window_warnings, troop_ramp_warnings, validate

__all__ = [
    "CONFIG_DIR",
    "Config",
    "ConfigError",
    "dated_inputs",
    "load_config",
    "memory_estimate",
    "parse_date",
    "register_configs",
    "run_window_warnings",
    "to_config",
    "troop_ramp_warnings",
    "validate",
]
