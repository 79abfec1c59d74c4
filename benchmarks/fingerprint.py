"""Fingerprints of four runs' outputs, to check that a speed-up changed nothing.

    python benchmarks/fingerprint.py            # prints one hash per run; compare before and after a change

Hashes the daily, segment and people tables (`table_hashes` of `tests/update_baseline.py`, which pins the
regression baseline the same way) of: the full `autumn2021` season, 60 days of `surge`, 90 days of
`wall_in_2021` with `weakest` escorts, and 40 days of `autumn2021` with a Polish asylum policy and `random` escorts
(seed 5). An exact optimisation leaves every hash unchanged; `tests/baseline.json` pins smaller runs in the
test suite. Takes about 20 s.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

# this checkout's `sim`, not another one installed in the environment (a worktree sharing a venv); tests/ is not a
# package: the baseline's hashing is imported from its script
sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "tests")]
from update_baseline import table_hashes  # noqa: E402

from sim import BorderModel, load_config  # noqa: E402

RUNS: dict[str, list[str]] = {
    "autumn2021": ["scenario=autumn2021"],
    "surge_60_days": ["scenario=surge", "start_date=2021-09-01", "days=60"],
    "wall_in_2021_weakest": ["scenario=wall_in_2021", "escort.strategy=weakest", "start_date=2021-08-15", "days=90"],
    "asylum_random": [
        "scenario=autumn2021",
        "start_date=2021-09-01",
        "days=40",
        "policy.poland.pushback_share=0.2",
        "escort.strategy=random",
        "seed=5",
    ],
}


def fingerprint(overrides: list[str]) -> str:
    """One short hash of the run's three table hashes."""
    model = BorderModel(load_config([*overrides, "progress=false"])).run(progress=False)
    return hashlib.sha256("".join(table_hashes(model).values()).encode()).hexdigest()[:16]


if __name__ == "__main__":
    for name, overrides in RUNS.items():
        print(f"{name:18} {fingerprint(overrides)}", flush=True)
