"""Composing configs with Hydra: the schema registered with Hydra's ConfigStore, `load_config` for notebooks and
tests, and `to_config`, which turns a composed config into a validated `Config`.

Hydra and OmegaConf are imported inside the functions, so the model (`sim.core`), which calls `to_config`, never
loads Hydra unless it is asked to compose the defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.config.draws import apply_posterior_draw
from sim.config.fence_choice import choose_fences
from sim.config.fields import ConfigError
from sim.config.root import Config
from sim.config.validation import validate

if TYPE_CHECKING:
    from omegaconf import DictConfig


#: The project's Hydra configs (`configs/` at the repository root).
CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"


def register_configs() -> None:
    """Register the schema so `configs/config.yaml` can extend it (`defaults: [config_schema, ...]`)."""
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name="config_schema", node=Config)


def to_config(cfg: Config | DictConfig | Mapping[str, Any]) -> Config:
    """Turn a composed DictConfig (or a plain dict) into a validated `Config` object.

    Hydra's own node (present in sweep-time configs) is dropped before anything is resolved. Type and key errors
    of a hand-made dict become `ConfigError`s naming the key, as on the command line. With `posterior_draw=k` the
    keys of the calibration's draw k are set first (`sim.config.draws`; on a copy of a `Config` given); then each
    country's fence choice (`fence.poland=steel_wall`) is applied and the country keys filled
    (`sim.config.fence_choice`, also on a copy).
    """
    if isinstance(cfg, Config):
        return validate(choose_fences(apply_posterior_draw(cfg)))
    from omegaconf import DictConfig, OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    plain = OmegaConf.to_container(cfg, resolve=False) if isinstance(cfg, DictConfig) else dict(cfg)
    assert isinstance(plain, dict)
    plain.pop("hydra", None)
    try:
        obj = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(Config), plain))
    except OmegaConfBaseException as err:
        raise ConfigError(str(err)) from None
    assert isinstance(obj, Config)
    return validate(choose_fences(apply_posterior_draw(obj)))


def load_config(overrides: list[str] | tuple[str, ...] = (), config_name: str = "config") -> DictConfig:
    """Compose the project config in one line, for notebooks and tests.

    >>> cfg = load_config(["scenario=no_fence", "days=10"])
    """
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    register_configs()
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return compose(config_name=config_name, overrides=list(overrides))
