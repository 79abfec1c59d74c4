"""Wall time and throughput of full-season runs.

    python benchmarks/bench_model.py              # autumn2021, the whole season
    python benchmarks/bench_model.py --quick      # 30 days, for a smoke check
    python benchmarks/bench_model.py --scenario surge

An agent-hour is one person not yet out of the system (waiting in a camp or out in the zone), or one guard
patrol or escort unit on duty, alive for one hour. Numbers are measured on the machine that runs the script;
nothing here is asserted.
"""

from __future__ import annotations

import argparse
import platform
import time
import tracemalloc
from pathlib import Path

import numpy as np

from sim import BorderModel, load_config
from sim.io import write_json

RESULTS = Path(__file__).resolve().parent / "results.json"


def agent_hours(model: BorderModel) -> int:
    """Person-hours in the system plus patrol-hours and escort-hours, counted from the finished run."""
    p, end = model.people, model.hour
    done = p.t_done[: p.n]
    leave = np.where(done >= 0, done, end)
    person_hours = int((leave - p.t_arrived[: p.n]).sum())
    patrol_hours = int(model.ledger.stocks["guards_on_duty"].sum() * 24)
    escort_hours = len(model.escorts) * end
    return person_hours + patrol_hours + escort_hours


def bench(scenario: str, days: int | None, repeats: int) -> dict:
    overrides = [f"scenario={scenario}", "progress=false"] + ([f"days={days}"] if days else [])
    cfg = load_config(overrides)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model = BorderModel(cfg).run(progress=False)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    BorderModel(cfg).run(progress=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    wall = min(times)
    ah = agent_hours(model)
    return {
        "scenario": scenario,
        "days": model.calendar.days,
        "people": int(model.people.n),
        "wall_seconds": round(wall, 3),
        "agent_hours": ah,
        "agent_hours_per_second": round(ah / wall),
        "peak_traced_memory_mb": round(peak / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", default="autumn2021")
    parser.add_argument("--quick", action="store_true", help="30 days instead of the whole season")
    parser.add_argument("--repeats", type=int, default=3, help="best of N runs")
    args = parser.parse_args()
    row = bench(args.scenario, 30 if args.quick else None, 1 if args.quick else args.repeats)
    row["python"] = platform.python_version()
    row["machine"] = platform.machine()
    print(
        f"{row['scenario']}: {row['days']} days, {row['people']} people, {row['wall_seconds']} s wall, "
        f"{row['agent_hours']:,} agent-hours, {row['agent_hours_per_second']:,} agent-hours/s, "
        f"peak traced memory {row['peak_traced_memory_mb']} MB"
    )
    write_json(RESULTS, row)
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
