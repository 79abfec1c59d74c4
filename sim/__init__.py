"""Borderflow: an agent-based model of irregular migration at the Belarus-EU border (2021)."""

import warnings

from sim.agents import LithuanianGuard, Migrant, PolishGuard
from sim.config import ConfigError, load_config
from sim.escorts import BelarusianEscort
from sim.model import BorderModel, RunEndedError

# configs/hydra/launcher/ray.yaml deliberately shadows the Ray launcher plugin's own `ray` config (to leave out a
# setting Ray refuses on an existing cluster); Hydra 1.3 then says, three times per command, that the config "is
# validated against ConfigStore schema with the same name". Silenced here, where `python -m sim.run` starts (a
# filter set while Hydra scans its plugins is dropped again): only that message, only for `ray`.
warnings.filterwarnings(
    "ignore",
    message=r"\s*'hydra/launcher/ray' is validated against ConfigStore schema with the same name",
    category=UserWarning,
)

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
