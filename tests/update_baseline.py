"""Regenerate tests/baseline.json: the exact outputs of a few small runs, the regression reference.

Run it only when a change is *meant* to alter what the model computes (a new mechanic, a recalibration), and say
so in the commit message: `python tests/update_baseline.py`. Speed work must leave the baseline untouched.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

# this checkout's `sim`, not another one installed in the environment (a worktree sharing a venv)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sim import BorderModel, load_config

BASELINE = Path(__file__).resolve().parent / "baseline.json"

#: Small runs that between them exercise fences, construction, ramps, policies, escorts and repatriation.
CASES: dict[str, list[str]] = {
    # dated from late summer: the default season starts on 1 Jun 2021 with Lithuania alone and few people
    "autumn2021_20d": ["start_date=2021-08-15", "days=20"],  # pushbacks, troop ramp, fence building, both lines
    "autumn2021_nov": ["start_date=2021-11-05", "days=20"],  # massing at the line, repatriation, wind-down
    "no_fence_10d": ["scenario=no_fence", "start_date=2021-09-15", "days=10"],
    "wall_in_2021_10d": ["scenario=wall_in_2021", "start_date=2021-09-15", "days=10"],
    "weakest_reinforce_10d": [
        *("escort.strategy=weakest", "guards.deployment=reinforce", "start_date=2021-09-15", "days=10", "seed=3"),
    ],
}


def table_hashes(model: BorderModel) -> dict[str, str]:
    """sha256 of the daily, segment and people tables as CSV: what "exactly the same outputs" means here (also
    used by `benchmarks/fingerprint.py` on larger runs)."""
    tables = {"daily": model.daily, "segments": model.segments, "people": model.people.to_df()}
    return {
        f"{name}_sha256": hashlib.sha256(table.to_csv(index=False, lineterminator="\n").encode()).hexdigest()
        for name, table in tables.items()
    }


def fingerprint(overrides: list[str]) -> dict:
    model = BorderModel(load_config([*overrides, "progress=false"])).run(progress=False)
    return {"overrides": overrides, **table_hashes(model), "summary_total": model.summary["total"]}


def main() -> None:
    data = {name: fingerprint(overrides) for name, overrides in CASES.items()}
    BASELINE.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    print(f"wrote {BASELINE}")


if __name__ == "__main__":
    main()
