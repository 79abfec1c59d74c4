"""A Hydra sweeper that validates every job of a sweep before any job runs.

Hydra's basic sweeper composes each job's config up front (so a wrong key or type fails early) but never checks
ranges, dates or border sections: those would fail only inside their own job, after others had run. This
sweeper runs the model's full validation (`sim.config.to_config`) on every composed job config first and stops
the sweep, naming the job's overrides and the key, before launching anything.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

from sim.config import ConfigError, to_config


class ValidatingSweeper(BasicSweeper):
    """`BasicSweeper` plus the model's range and cross-field checks on every job of a batch."""

    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Compose every job (as the parent class does, which this replaces) and validate it."""
        assert self.hydra_context is not None and self.config is not None
        loader = self.hydra_context.config_loader
        for overrides in batch:
            job_cfg = loader.load_sweep_config(master_config=self.config, sweep_overrides=list(overrides))
            try:
                to_config(job_cfg)
            except ConfigError as err:
                print(f"error: job [{' '.join(overrides)}] {err}\nno job of the sweep was started", file=sys.stderr)
                sys.exit(2)
