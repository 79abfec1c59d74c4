"""The default scenarios run on fitted parameters: `calibration: calibrated` (configs/calibration/calibrated.yaml,
written by `python -m sim.calibrate`) sets each fitted key, and no scenario or experiment sets one back."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from sim.config import load_config, to_config
from sim.config.compose import CONFIG_DIR
from sim.inference.parameters import BY_KEY, value_of

CALIBRATED = CONFIG_DIR / "calibration" / "calibrated.yaml"
REPO = CONFIG_DIR.parent


def fitted_values(path=CALIBRATED) -> dict[str, float]:
    """Dotted key -> value of every fitted key in a calibration option (the `calibration` block aside)."""
    out: dict[str, float] = {}

    def walk(node: dict, prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            else:
                out[f"{prefix}{key}"] = float(value)

    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    tree.pop("calibration")
    walk(tree, "")
    return out


def test_the_shipped_calibration_fits_only_registered_assumptions_each_labelled_fitted():
    values = fitted_values()
    assert len(values) >= 5
    assert set(values) <= set(BY_KEY), "a fitted key that is not a registered assumption parameter"
    text = CALIBRATED.read_text(encoding="utf-8")
    for key in values:
        line = next(line for line in text.splitlines() if line.strip().startswith(key.split(".")[-1] + ":"))
        assert "# fitted" in line and "autumn2021" in line, line
    draws = pd.read_parquet(REPO / "calibration" / "calibrated" / "draws.parquet")
    assert set(draws.columns) == {"draw", *values} and list(draws["draw"]) == list(range(len(draws)))


@pytest.mark.parametrize("scenario", sorted(p.stem for p in (CONFIG_DIR / "scenario").glob("*.yaml")))
def test_every_scenario_runs_on_the_fitted_values(scenario):
    cfg = to_config(load_config([f"scenario={scenario}"]))
    assert cfg.calibration.name == "calibrated"
    for key, value in fitted_values().items():
        assert value_of(cfg, key) == pytest.approx(value), f"scenario {scenario} sets the fitted {key} back"


@pytest.mark.parametrize("experiment", sorted(p.stem for p in (CONFIG_DIR / "experiment").glob("*.yaml")))
def test_no_experiment_sets_a_fitted_key(experiment):
    text = (CONFIG_DIR / "experiment" / f"{experiment}.yaml").read_text(encoding="utf-8")
    for key in fitted_values():
        assert key not in text, f"experiment {experiment} sets the fitted {key}"


def test_calibration_none_gives_the_assumption_values_back():
    assumed = to_config(load_config(["calibration=none"]))
    assert assumed.calibration.posterior is None and assumed.calibration.name == "none"
    changed = [k for k, v in fitted_values().items() if value_of(assumed, k) != pytest.approx(v)]
    assert changed, "the fit moved no parameter away from its assumption value"
