"""How fast is the border model, against a plain Mesa model and against a pure numpy limit?

    python benchmarks/bench_model.py            # full autumn2021 and surge seasons (~20 minutes: mostly (b))
    python benchmarks/bench_model.py --quick    # 30 days of each, under a minute
    python benchmarks/bench_model.py --days 60 --repeat 1 --out /tmp/bench.json

Side by side, in one process on one machine:
  (a) the full model on `autumn2021` and on `surge`;
  (b) a reference: the cheapest plain Mesa model with the same number of agents and hours, each agent a
      `CellAgent` whose `step` makes one random move on the same grid (`shuffle_do("step")` every hour);
  (c) a limit: the same random moves as one vectorised numpy update per hour.
An agent-hour is one person not yet out of the system (waiting in a camp or out in the zone), or one guard patrol
or escort unit on duty, alive for one hour. The script prints wall time and agent-hours per second for each, the
ratios (a)/(b) and (a)/(c) in agent-hours per second, and the wall-time ratio surge/autumn2021, and writes them
to benchmarks/results.json. All three time the hours only, not the building of the model: (b) and (c) place their
agents before the clock starts, and (a)'s build (the Mesa grid of the border, the configs) is timed apart and
written as `build_seconds`. (a) and (c) are timed `--repeat` times, taking turns, and the fastest run of each is
kept (the usual way to read a timing on a machine that does other things; every time is in the JSON); (b), minutes
long, runs once. Before any timing, one day of the model runs once to load the loops numba compiled
(sim/core/guards/response.py, beats.py, catch.py, sim/core/population.py, transitions.py), or to compile them if
nothing is cached yet: a cost each process pays once, not each run, written as `first_day_seconds`. Numbers are
measured here, on this machine; nothing is asserted. `bench_seasons.py` (seasons per hour, for calibration) writes
its own key, `seasons`, into the same file; this script keeps it.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import mesa
import numpy as np
from mesa.discrete_space import CellAgent, OrthogonalMooreGrid

# this checkout's `sim`, not another one installed in the environment (a worktree sharing a venv)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim import BorderModel, load_config
from sim.cli.io import write_json

RESULTS = Path(__file__).resolve().parent / "results.json"
#: Keys of results.json that other benchmarks write (`bench_seasons.py`); kept when this one writes the file.
OTHERS = ("seasons",)


def agent_hours(model: BorderModel) -> int:
    """Person-hours in the system plus patrol-hours and escort-hours, counted from the finished run."""
    p, end = model.people, model.hour
    done = p.t_done[: p.n]
    leave = np.where(done >= 0, done, end)
    person_hours = int((leave - p.t_arrived[: p.n]).sum())
    patrol_hours = int(model.ledger.stocks["guards_on_duty"].sum() * 24)
    escort_hours = len(model.escorts) * end
    return person_hours + patrol_hours + escort_hours


def bench_model(scenario: str, days: int | None) -> dict:
    overrides = [f"scenario={scenario}", "progress=false"] + ([f"days={days}"] if days else [])
    cfg = load_config(overrides)
    start = time.perf_counter()
    model = BorderModel(cfg)
    built = time.perf_counter()
    model.run(progress=False)
    wall = time.perf_counter() - built
    ah = agent_hours(model)
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB; whole process so far
    peak_people = int(max(model.ledger.stocks["in_camps"].sum(axis=1).max(), 0))
    return {
        "scenario": scenario,
        "days": model.calendar.days,
        "hours": model.hour,
        "people": int(model.people.n),
        "peak_in_camps": peak_people,
        "peak_in_zone": int(model.ledger.stocks["in_zone"].sum(axis=1).max()),
        "patrols_max": int(model.ledger.stocks["guards_on_duty"].sum(axis=1).max()),
        "wall_seconds": wall,
        "build_seconds": built - start,
        "agent_hours": ah,
        "agent_hours_per_second": ah / wall,
        "mean_agents": ah / model.hour,
        "process_max_rss_mb": max_rss_mb,
    }


class Walker(CellAgent):
    """(b) The cheapest Mesa agent: one random move per step."""

    def step(self) -> None:
        self.cell = self.cell.neighborhood.select_random_cell()


class ReferenceModel(mesa.Model):
    def __init__(self, n_agents: int, width: int, height: int, seed: int = 0) -> None:
        super().__init__(rng=seed)
        self.grid = OrthogonalMooreGrid((width, height), torus=False, random=self.random)
        cells = list(self.grid.all_cells)
        for i in self.rng.integers(0, len(cells), n_agents):
            Walker(self).cell = cells[i]

    def step(self) -> None:
        self.agents.shuffle_do("step")


def bench_reference(n_agents: int, hours: int, width: int, height: int) -> dict:
    model = ReferenceModel(n_agents, width, height)
    start = time.perf_counter()
    for _ in range(hours):
        model.step()
    wall = time.perf_counter() - start
    return {"agents": n_agents, "hours": hours, "wall_seconds": wall, "agent_hours_per_second": n_agents * hours / wall}


def moore_neighbours(width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """Neighbour table of a non-toroidal Moore grid (cell = x * height + y), as Mesa's grid links its cells:
    `table[cell, :degree[cell]]` are the cell's neighbours (8 inside, 5 on an edge, 3 in a corner)."""
    cx, cy = (a.ravel() for a in np.meshgrid(np.arange(width), np.arange(height), indexing="ij"))
    table = np.full((width * height, 8), -1, dtype=np.int64)
    degree = np.zeros(width * height, dtype=np.int64)
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            if dx or dy:
                nx, ny = cx + dx, cy + dy
                inside = np.flatnonzero((nx >= 0) & (nx < width) & (ny >= 0) & (ny < height))
                table[inside, degree[inside]] = nx[inside] * height + ny[inside]
                degree[inside] += 1
    return table, degree


def bench_limit(n_agents: int, hours: int, width: int, height: int, seed: int = 0) -> dict:
    """(c) The same random moves (to a uniformly chosen neighbour cell, as `select_random_cell` does), one numpy
    update of all agents per hour."""
    rng = np.random.default_rng(seed)
    table, degree = moore_neighbours(width, height)
    cell = rng.integers(0, width * height, n_agents)
    start = time.perf_counter()
    for _ in range(hours):
        cell = table[cell, (rng.random(n_agents) * degree[cell]).astype(np.int64)]
    wall = time.perf_counter() - start
    return {"agents": n_agents, "hours": hours, "wall_seconds": wall, "agent_hours_per_second": n_agents * hours / wall}


def peak_memory_mb(scenario: str, days: int | None) -> float:
    overrides = [f"scenario={scenario}", "progress=false"] + ([f"days={days}"] if days else [])
    cfg = load_config(overrides)
    tracemalloc.start()
    BorderModel(cfg).run(progress=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="30 days of each scenario instead of the season")
    parser.add_argument("--days", type=int, help="this many days of each scenario (overrides --quick)")
    parser.add_argument(
        "--repeat", type=int, help="time (a) and (c) this many times, keep the fastest (default 5; 2 with --quick)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the results (JSON)")
    args = parser.parse_args()
    days = args.days or (30 if args.quick else None)
    args.repeat = args.repeat or (2 if args.quick else 5)
    results: dict = {"python": platform.python_version(), "mesa": mesa.__version__, "machine": platform.machine()}
    results["quick"] = args.quick
    results["days"] = days
    results["repeat"] = args.repeat
    start = time.perf_counter()
    grid = BorderModel(load_config(["days=1", "progress=false"])).run(progress=False).border
    results["first_day_seconds"] = time.perf_counter() - start
    print(f"one day to load (or compile) the compiled loops: {results['first_day_seconds']:.2f} s")
    width, height = grid.n_cells_x, grid.n_cells_y
    for scenario in ("autumn2021", "surge"):
        # (a) and (c) take turns, so that both are timed through the same spells of a busy machine
        runs = [bench_model(scenario, days)]
        n, hours = max(1, round(runs[0]["mean_agents"])), runs[0]["hours"]
        limits = [bench_limit(n, hours, width, height)]
        for _ in range(args.repeat - 1):
            runs.append(bench_model(scenario, days))
            limits.append(bench_limit(n, hours, width, height))
        a = min(runs, key=lambda row: row["wall_seconds"])
        c = min(limits, key=lambda row: row["wall_seconds"])
        a["wall_seconds_all"] = [row["wall_seconds"] for row in runs]
        c["wall_seconds_all"] = [row["wall_seconds"] for row in limits]
        b = bench_reference(n, hours, width, height)
        a["peak_traced_memory_mb"] = peak_memory_mb(scenario, days)
        results[scenario] = {"model": a, "reference": b, "limit": c}
        print(
            f"{scenario}: {a['days']} days, {a['people']:,} people (peak {a['peak_in_camps']:,} in camps, "
            f"{a['peak_in_zone']:,} in the zone), up to {a['patrols_max']:,} patrols, "
            f"peak traced memory {a['peak_traced_memory_mb']:.0f} MB (process max RSS {a['process_max_rss_mb']:.0f} MB)"
        )
        for name, row in (("(a) model", a), ("(b) reference Mesa", b), ("(c) numpy limit", c)):
            print(f"  {name:20} {row['wall_seconds']:8.2f} s  {row['agent_hours_per_second']:>14,.0f} agent-hours/s")
        print(f"  (building the model, not in (a): {a['build_seconds']:.2f} s)")
        print(
            f"  (a)/(b) = {a['agent_hours_per_second'] / b['agent_hours_per_second']:.1f}x   "
            f"(a)/(c) = {a['agent_hours_per_second'] / c['agent_hours_per_second']:.2f}"
        )
    autumn = results["autumn2021"]
    results["ratio_vs_reference"] = (
        autumn["model"]["agent_hours_per_second"] / autumn["reference"]["agent_hours_per_second"]
    )
    results["ratio_vs_limit"] = autumn["model"]["agent_hours_per_second"] / autumn["limit"]["agent_hours_per_second"]
    results["surge_over_autumn2021"] = results["surge"]["model"]["wall_seconds"] / autumn["model"]["wall_seconds"]
    print(
        f"autumn2021: ratio_vs_reference {results['ratio_vs_reference']:.1f} (target >= 10), "
        f"ratio_vs_limit {results['ratio_vs_limit']:.2f} (target >= 0.1); "
        f"surge/autumn2021 wall time {results['surge_over_autumn2021']:.1f} (target <= ~5)"
    )
    if days:
        print(
            f"(a reduced run of {days} days: the targets are for full seasons. Early August has few people, so the "
            "fixed hourly cost of the patrols weighs more against (c) than over a season.)"
        )
    # keep what other benchmarks wrote into the file (bench_seasons.py's `seasons`)
    kept = {k: v for k, v in json.loads(args.out.read_text()).items() if k in OTHERS} if args.out.exists() else {}
    write_json(args.out, {**kept, **results})
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
