"""Shared helpers: build and run models from Hydra overrides, run the CLI, check conservation of people."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from commands import REPO, run_module

from sim import BorderModel, load_config
from sim.core.states import MigrantState


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root (holds sim/ and configs/), found from this file, not hard-coded."""
    return REPO


def _run_model(*overrides: str) -> BorderModel:
    return BorderModel(load_config(list(overrides))).run(progress=False)


def _build_model(*overrides: str) -> BorderModel:
    return BorderModel(load_config(list(overrides)))


@pytest.fixture(scope="session")
def run_model() -> Callable[..., BorderModel]:
    """`run_model("days=5", "fence=steel_wall")`: compose the config with overrides, run it to the end."""
    return _run_model


@pytest.fixture(scope="session")
def build_model() -> Callable[..., BorderModel]:
    """Like `run_model`, without running: a model at hour 0."""
    return _build_model


@pytest.fixture(scope="session")
def default_run() -> BorderModel:
    """The default scenario (autumn2021) over 10 days from 1 Aug 2021, escorts serving both lines (the fallback);
    shared read-only by tests that only inspect results."""
    return _run_model("days=10", "start_date=2021-08-01", "escort.units.poland=[]", "escort.units.lithuania=[]")


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_module("sim.run", *args)


@pytest.fixture(scope="session")
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`run_cli("days=3", f"hydra.run.dir={tmp_path}")`: `python -m sim.run ...` from the repository root."""
    return _run_cli


def _conservation_gap(daily: pd.DataFrame) -> pd.Series:
    """Per day: cumulative camp arrivals minus (people in camps + in the zone + everyone who has left for good)."""
    d = daily.groupby("day").sum(numeric_only=True)
    left = (d["crossings"] + d["asylum_claims"] + d["gave_up"] + d["deaths"]).cumsum()
    return d["camp_arrivals"].cumsum() - (d["in_camps"] + d["in_zone"] + left)


@pytest.fixture(scope="session")
def conservation_gap() -> Callable[[pd.DataFrame], pd.Series]:
    return _conservation_gap


def _state_counts(model: BorderModel) -> np.ndarray:
    """People per MigrantState at the model's current hour."""
    return np.bincount(model.people.state[: model.people.n], minlength=len(MigrantState))


@pytest.fixture(scope="session")
def count_states() -> Callable[[BorderModel], np.ndarray]:
    return _state_counts
