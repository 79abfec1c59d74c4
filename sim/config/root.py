"""The whole config: one block per component group, plus the run's own keys (seed, dates, limits)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.arrivals import ArrivalsConfig, CampsConfig
from sim.config.border import BorderConfig, TerrainConfig
from sim.config.calibration import CalibrationConfig
from sim.config.cost import CostConfig
from sim.config.escort import EscortConfig
from sim.config.experiment import ExperimentInfo
from sim.config.exposure import ExposureConfig
from sim.config.fence import BarriersConfig, FenceConfig, SensorsConfig
from sim.config.fields import (
    MAX_COUNT,
    between,
    date_field,
)
from sim.config.guards import GuardsConfig, TroopsConfig
from sim.config.migrant import MigrantConfig
from sim.config.policy import PolicyConfig


@dataclass
class Config:
    scenario: str = "autumn2021"
    seed: int = between(0, 0, 2**63 - 1)  # numpy seeds are >= 0; int64 keeps it a column in tables
    # k: run with row `draw == k` of the calibration's posterior draws instead of its medians (sim.config.draws);
    # null: the values the config holds
    posterior_draw: int | None = between(None, 0, MAX_COUNT)
    start_date: str = date_field("2021-06-01")
    days: int = between(214, 1, 36_500)
    border: BorderConfig = field(default_factory=BorderConfig)
    fence: FenceConfig = field(default_factory=FenceConfig)
    barriers: BarriersConfig = field(default_factory=BarriersConfig)
    sensors: SensorsConfig = field(default_factory=SensorsConfig)
    terrain: TerrainConfig = field(default_factory=TerrainConfig)
    arrivals: ArrivalsConfig = field(default_factory=ArrivalsConfig)
    camps: CampsConfig = field(default_factory=CampsConfig)
    migrant: MigrantConfig = field(default_factory=MigrantConfig)
    escort: EscortConfig = field(default_factory=EscortConfig)
    troops: TroopsConfig = field(default_factory=TroopsConfig)
    guards: GuardsConfig = field(default_factory=GuardsConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    exposure: ExposureConfig = field(default_factory=ExposureConfig)
    cost: CostConfig = field(default_factory=CostConfig)
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)
    # what the experiment (configs/experiment/) a run belongs to asks; empty outside one (sim.config.experiment)
    experiment: ExperimentInfo = field(default_factory=ExperimentInfo)
    progress: bool = True  # progress bar for long runs in an interactive terminal
    # refuse a run whose estimated memory is above this (`sim.config.resources`); raise it on a bigger machine
    memory_limit_gb: float = between(4.0, 0.01, 1e6)
