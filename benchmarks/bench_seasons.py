"""How many full default seasons an hour can calibration run? Seasons per hour with N worker processes.

    python benchmarks/bench_seasons.py                     # all cores, 6 seasons each, then 5 in one process
    python benchmarks/bench_seasons.py --workers 2 --seasons 10 --single 5
    python benchmarks/bench_seasons.py --days 20 --seasons 2 --single 2 --out /tmp/seasons.json   # a quick check

Each worker process composes the config once (`autumn2021`, the default, plus any `overrides`), runs one day to
load the loops numba compiled (a cost each process pays once), then waits for the others; from then on the clock
runs until every worker has run its seasons. A season is what a calibration pays per draw: building the model
from the validated config with the draw's seed (seeds 0, 1, 2, ... over all workers) and running it to the end.
Seasons per hour = seasons run / wall time × 3,600. Afterwards this process times `--single` seasons one after
another (best and median seconds per season: on a machine shared with other work, the best is the model's own
speed and the median what the sharing leaves of it). CPU seconds per season are recorded too: on a crowded
machine the wall clock measures the crowd, and `seasons_per_hour_from_cpu` (workers × 3,600 / median CPU seconds
per season) is what the same cores would do if they were the calibration's alone.

Prints the results and writes them under the key `seasons` of benchmarks/results.json (or `--out`), keeping the
file's other keys (`bench_model.py`'s). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
from pathlib import Path

# this checkout's `sim`, not another one installed in the environment (a worktree sharing a venv)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RESULTS = Path(__file__).resolve().parent / "results.json"
KEY = "seasons"


def season_config(overrides: list[str], days: int | None):
    """The validated config of a season, composed once (Hydra is not part of a season's cost)."""
    from sim import load_config
    from sim.config.compose import to_config

    cfg = to_config(load_config([*overrides, "progress=false"]))
    return dataclasses.replace(cfg, days=days) if days else cfg


def run_season(cfg, seed: int) -> tuple[float, float]:
    """Wall and CPU seconds to build the model from `cfg` with `seed` and run it to the end."""
    from sim import BorderModel

    start, cpu = time.perf_counter(), time.process_time()
    BorderModel(dataclasses.replace(cfg, seed=seed)).run(progress=False)
    return time.perf_counter() - start, time.process_time() - cpu


def warm_up(cfg) -> None:
    """One day, to load (or compile) the compiled loops before any timing."""
    from sim import BorderModel

    BorderModel(dataclasses.replace(cfg, days=1)).run(progress=False)


def worker(index: int, n_workers: int, seasons: int, overrides: list[str], days: int | None, ready, results) -> None:
    import logging

    logging.disable(logging.WARNING)  # the dated-inputs notice of a short run, once per model
    cfg = season_config(overrides, days)
    warm_up(cfg)
    ready.wait()
    seconds = [run_season(cfg, seed) for seed in range(index, seasons * n_workers, n_workers)]
    results.put(seconds)


def parallel(n_workers: int, seasons: int, overrides: list[str], days: int | None) -> dict:
    """`n_workers` processes, `seasons` each, timed together from the moment all are ready."""
    ctx = mp.get_context("spawn")
    ready = ctx.Barrier(n_workers + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=worker, args=(i, n_workers, seasons, overrides, days, ready, results))
        for i in range(n_workers)
    ]
    for proc in procs:
        proc.start()
    ready.wait()
    start = time.perf_counter()
    per_season = [s for _ in procs for s in results.get()]
    wall = time.perf_counter() - start
    for proc in procs:
        proc.join()
    n = len(per_season)
    cpu = [c for _, c in per_season]
    return {
        "workers": n_workers,
        "seasons": n,
        "wall_seconds": wall,
        "seasons_per_hour": n / wall * 3600,
        "seconds_per_season_per_worker": wall * n_workers / n,
        "season_seconds_median": statistics.median(w for w, _ in per_season),
        "season_seconds_all": [w for w, _ in per_season],
        # CPU time: what the seasons cost the cores, whatever else the machine runs meanwhile
        "season_cpu_seconds_median": statistics.median(cpu),
        "season_cpu_seconds_all": cpu,
        "seasons_per_hour_from_cpu": n_workers * 3600 / statistics.median(cpu),
    }


def single(repeat: int, overrides: list[str], days: int | None) -> dict:
    """`repeat` seasons one after another in this process (seeds 0, 1, ...)."""
    cfg = season_config(overrides, days)
    warm_up(cfg)
    runs = [run_season(cfg, seed) for seed in range(repeat)]
    seconds, cpu = [w for w, _ in runs], [c for _, c in runs]
    return {
        "repeat": repeat,
        "best_seconds": min(seconds),
        "median_seconds": statistics.median(seconds),
        "seconds_all": seconds,
        "best_cpu_seconds": min(cpu),
        "median_cpu_seconds": statistics.median(cpu),
        "cpu_seconds_all": cpu,
    }


def write_result(path: Path, result: dict) -> None:
    """Put `result` under `KEY` in the JSON file at `path`, keeping its other keys."""
    from sim.cli.io import write_json

    data = json.loads(path.read_text()) if path.exists() else {}
    data[KEY] = result
    write_json(path, data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)")
    parser.add_argument("--seasons", type=int, default=6, help="seasons per worker (default 6)")
    parser.add_argument("--single", type=int, default=5, help="seasons timed in one process afterwards (default 5)")
    parser.add_argument("--days", type=int, help="days per season (default: the scenario's, 214 for autumn2021)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the JSON file to write the results into")
    parser.add_argument("overrides", nargs="*", help="config overrides, e.g. scenario=surge")
    args = parser.parse_args()
    import logging

    import mesa

    logging.disable(logging.WARNING)
    result: dict = {
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "overrides": args.overrides,
        "days": args.days,
    }
    result["parallel"] = par = parallel(args.workers, args.seasons, args.overrides, args.days)
    print(
        f"{par['workers']} workers, {par['seasons']} seasons in {par['wall_seconds']:.1f} s: "
        f"{par['seasons_per_hour']:,.0f} seasons per hour ({par['seconds_per_season_per_worker']:.2f} s per season "
        f"per worker; median season {par['season_seconds_median']:.2f} s, build + run)"
    )
    print(
        f"  CPU: median {par['season_cpu_seconds_median']:.2f} s per season, so "
        f"{par['seasons_per_hour_from_cpu']:,.0f} seasons per hour on {par['workers']} cores of its own"
    )
    if args.single:
        result["single"] = one = single(args.single, args.overrides, args.days)
        print(
            f"one process, {one['repeat']} seasons: best {one['best_seconds']:.2f} s, "
            f"median {one['median_seconds']:.2f} s per season (build + run); CPU best {one['best_cpu_seconds']:.2f} s, "
            f"median {one['median_cpu_seconds']:.2f} s"
        )
    write_result(args.out, result)
    print(f"wrote {args.out} (key {KEY!r})")


if __name__ == "__main__":
    main()
