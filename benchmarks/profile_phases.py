"""Where a full run spends its time: seconds per phase of the hourly schedule, and per step of the guards' phase.

    python benchmarks/profile_phases.py                      # autumn2021, the full season
    python benchmarks/profile_phases.py scenario=surge days=60

Each phase method is wrapped with a timer (CPU time of this process), so the shares are what the run itself spends,
without a profiler's per-call overhead inflating the many small calls. Nothing is asserted; docs/performance.md
quotes a run of it.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

# this checkout's `sim`, not another one installed in the environment (a worktree sharing a venv)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim import BorderModel, load_config
from sim.core.guards.force import GuardForce
from sim.core.guards.interception import Interception
from sim.core.migrants import Migrants

PHASES: dict[type, list[str]] = {
    BorderModel: [
        "start_day",
        "admit_arrivals",
        "move_escorts",
        "move_migrants",
        "guard_border",
        "repair_fences",
        "close_day",
    ],
    GuardForce: ["advance", "patrol", "sight_probability", "dispatch", "apprehend"],
    Interception: ["detect"],
    Migrants: ["try_fences", "walk_inside", "return_to_fence"],
}
SUB = {
    "detect",
    "advance",
    "patrol",
    "sight_probability",
    "dispatch",
    "apprehend",
    "try_fences",
    "walk_inside",
    "return_to_fence",
}


def timed(spent: Counter, name: str, method: Callable) -> Callable:
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return method(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - start

    return wrapper


def main(overrides: list[str]) -> None:
    # load the numba-compiled loops once, as every process does on its first run, outside the timing
    BorderModel(load_config([*overrides, "days=1", "progress=false"])).run(progress=False)
    spent: Counter = Counter()
    for cls, names in PHASES.items():
        for name in names:
            setattr(cls, name, timed(spent, f"{cls.__name__}.{name}", getattr(cls, name)))
    model = BorderModel(load_config([*overrides, "progress=false"]))
    start = time.process_time()
    model.run(progress=False)
    total = time.process_time() - start
    print(
        f"{' '.join(overrides) or 'autumn2021'}: {model.hour:,} hours, {total:.2f} s CPU, "
        f"{1e3 * total / model.hour:.2f} ms per hour"
    )
    print(f"| {'phase':40} | seconds | share |")
    print(f"|{'-' * 42}|---------|-------|")
    for name, seconds in spent.most_common():
        label = f"  {name}" if name.split(".")[1] in SUB else name
        print(f"| {label:40} | {seconds:7.2f} | {seconds / total:5.0%} |")


if __name__ == "__main__":
    main(sys.argv[1:])
