"""Borderflow: an agent-based model of irregular migration at the Belarus-EU border (2021)."""

from sim.agents import LithuanianGuard, Migrant, PolishGuard
from sim.config import ConfigError, load_config
from sim.escorts import BelarusianEscort
from sim.model import BorderModel, RunEndedError

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
