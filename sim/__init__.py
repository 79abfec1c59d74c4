"""Borderflow: an agent-based model of irregular migration at the Belarus-EU border (2021).

The package is laid out by layer, each importing only the ones below it (docs/architecture.md):

    sim.config    what a run is told: the schema per component group, validation, composing with Hydra
    sim.core      the Mesa model: components, their compiled kernels, the hourly schedule (no Hydra, files, plots)
    sim.cli       the command line and sweep tooling: runs, output safety, aggregation of sweeps
    sim.analysis  reading results: statistics, plots, the sweep report
    sim.viz       the SolaraViz app and the border map

`python -m sim.run`, `python -m sim.aggregate` and `python -m sim.report` are the commands (thin entry points into
`sim.cli` and `sim.analysis`). The names below are the public API, loaded on first use, so that importing one
layer (`sim.core`) does not load the others (Hydra, matplotlib):

    from sim import BorderModel, load_config, Migrant
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.config.compose import load_config
    from sim.config.fields import ConfigError
    from sim.core.agents import LithuanianGuard, Migrant, PolishGuard
    from sim.core.escorts import BelarusianEscort
    from sim.core.model import BorderModel, RunEndedError

#: Public name -> the module that defines it.
PUBLIC = {
    "BelarusianEscort": "sim.core.escorts",
    "BorderModel": "sim.core.model",
    "ConfigError": "sim.config.fields",
    "LithuanianGuard": "sim.core.agents",
    "Migrant": "sim.core.agents",
    "PolishGuard": "sim.core.agents",
    "RunEndedError": "sim.core.model",
    "load_config": "sim.config.compose",
}
__all__ = [
    "BelarusianEscort",
    "BorderModel",
    "ConfigError",
    "LithuanianGuard",
    "Migrant",
    "PolishGuard",
    "RunEndedError",
    "load_config",
]


def __getattr__(name: str) -> Any:
    """`sim.BorderModel` and `from sim import BorderModel`: the public names, imported when first asked for."""
    if name not in PUBLIC:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(PUBLIC[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *PUBLIC])


# configs/hydra/launcher/ray.yaml deliberately shadows the Ray launcher plugin's own `ray` config (to leave out a
# setting Ray refuses on an existing cluster); Hydra 1.3 then says, three times per command, that the config "is
# validated against ConfigStore schema with the same name". Silenced here, where `python -m sim.run` starts (a
# filter set while Hydra scans its plugins is dropped again): only that message, only for `ray`.
warnings.filterwarnings(
    "ignore",
    message=r"\s*'hydra/launcher/ray' is validated against ConfigStore schema with the same name",
    category=UserWarning,
)
