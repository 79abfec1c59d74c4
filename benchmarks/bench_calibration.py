"""How many full-season simulations an hour does a calibration get through on this machine?

    python benchmarks/bench_calibration.py                          # autumn2021, population 20, 2 generations
    python benchmarks/bench_calibration.py --fit 2023 --population 10 --cores 2
    python benchmarks/bench_calibration.py --days 30 --population 4 --generations 1 --out /tmp/b.json   # a check

Runs `python -m sim.calibrate` as a user would (full seasons, the FITTED parameters, all local cores unless
--cores) into a temporary folder, and reads its summary.json: simulations per hour over the whole command
(starting up, composing, the prior sample pyabc takes to set the first epsilon, the generations, writing the
outputs) and over the generations alone. Writes them under the key `calibration` of benchmarks/results.json,
keeping the other keys, with the machine's load average before and after (other work slows it down). Measured
here, on this machine; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# this checkout's `sim`, not another one installed in the environment (a worktree sharing a venv)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.cli.io import write_json

RESULTS = Path(__file__).resolve().parent / "results.json"
REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", default="2021", choices=("2021", "2023"))
    parser.add_argument("--population", type=int, default=20)
    parser.add_argument("--generations", type=int, default=2)
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--days", type=int, help="shorten each run to this many days (not a measurement)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the JSON to add the `calibration` key to")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        command = [
            sys.executable,
            "-m",
            "sim.calibrate",
            "--fit",
            args.fit,
            "--population",
            str(args.population),
            "--generations",
            str(args.generations),
            "--cores",
            str(args.cores),
            "--db",
            str(folder / "history.db"),
            "--out",
            str(folder / "out"),
            "--config-out",
            str(folder / "fit.yaml"),
        ] + (["--override", f"days={args.days}"] if args.days else [])
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True)
        wall = time.perf_counter() - start
        load_after = os.getloadavg()[0]
        summary = json.loads((folder / "out" / "summary.json").read_text(encoding="utf-8"))
    sims = summary["simulations"]
    result = {
        "fit": args.fit,
        "scenario": summary["scenario"],
        "population": args.population,
        "generations": summary["generations_run"],
        "parameters": [p["key"] for p in summary["parameters"]],
        "days": args.days,
        "cores": args.cores,
        "machine_cores": os.cpu_count(),
        "machine": platform.machine(),
        # the 1-minute load average before and after: above the core count, other work shared the machine
        "load_average_before": load_before,
        "load_average_after": load_after,
        "python": platform.python_version(),
        "pyabc": summary["pyabc"],
        "simulations": sims,
        "wall_seconds": wall,
        "simulations_per_hour": sims / wall * 3600,
        "generation_seconds": summary["seconds_all_generations"],
        "simulations_per_hour_in_generations": summary["simulations_per_hour"],
    }
    length = f"{args.days} days" if args.days else "full season"
    print(
        f"{sims} simulations of {summary['scenario']} ({length}) in {wall:.0f} s on {args.cores} cores: "
        f"{result['simulations_per_hour']:,.0f} simulations/hour over the command, "
        f"{result['simulations_per_hour_in_generations']:,.0f} within the generations"
    )
    results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.is_file() else {}
    results["calibration"] = result
    write_json(args.out, results)
    print(f"wrote the key `calibration` of {args.out}")


if __name__ == "__main__":
    main()
