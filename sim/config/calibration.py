"""Which calibration a run's behavioural parameters come from (`configs/calibration/`).

`none` keeps every behavioural parameter at its assumption value. A calibrated option (`# @package _global_`)
sets this block and the fitted keys themselves (their posterior medians); its `posterior` names the equally
weighted posterior draws, of which the root key `posterior_draw` picks one row for a run (`sim.config.draws`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CalibrationConfig:
    name: str = "none"  # the option's name: `calibration=<name>`
    # the equally weighted posterior draws, `calibration/<name>/draws.parquet`: relative to the repository root
    # unless absolute; null when the option has no fitted values (posterior_draw is then refused)
    posterior: str | None = None
    fitted_to: str = "nothing: every behavioural parameter keeps its assumption value"  # one line: the data fitted
