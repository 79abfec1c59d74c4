"""Made-up sweep directories shaped as `python -m sim.run -m ...` writes them (numbered job directories with
`.hydra/overrides.yaml`, `config.yaml`, `summary.json`, `daily.csv`, `segments.csv`, `posts.csv`), so that the
report can be tested on known numbers without running the model.

`new=True` writes the fields of issue 14's contract (per-country troops asked and deployed, the cost split, the
full fence capital, the person-based measures, days in the zone, people massed, the `experiment` block); `new=False`
writes a sweep as older runs did, without them. Every number is a simple function of (scenario index, seed), given
by `numbers`, so a test can compute what the report must show by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

START, DAYS = "2021-10-01", 45
COST = {"troop_eur_per_day": 150.0, "fence_lifetime_years": 20.0, "asylum_claim_eur": 3000.0, "pushback_eur": 500.0}
BARRIERS = {
    "none": {"capex_eur_per_km": 0.0},
    "razor_wire": {"capex_eur_per_km": 100000.0},
    "steel_wall": {"capex_eur_per_km": 1470000.0},
}
OLD_FIELDS = (
    "crossings",
    "attempts",
    "apprehensions",
    "pushbacks",
    "interception_rate",
    "deaths",
    "gave_up",
    "asylum_claims",
    "pushbacks_per_person",
    "cost_eur",
)


def numbers(i: int, seed: int, country: str) -> dict:
    """The summary block of scenario `i`, replicate `seed`, in `country` ("poland", "lithuania", "belarus").

    Polish crossings fall by 20 per scenario index (+- a little noise), Lithuanian ones do not change in
    scenario 1 beyond noise and rise by 20 per index after it; deaths are 0 but in one seed (a skewed count whose
    t interval would go below 0); the interception rate is close to 1 (its t interval would go above 1)."""
    if country == "belarus":
        return {
            "crossings": 0,
            "attempts": 0,
            "apprehensions": 0,
            "pushbacks": 0,
            "interception_rate": None,
            "deaths": 2 + seed,
            "gave_up": 1,
            "asylum_claims": 0,
            "pushbacks_per_person": None,
            "cost_eur": 0.0,
        }
    if country == "poland":
        crossings = 200 + 7 * seed - 20 * i + ((3 * seed + i) % 5 - 2)
        troops = 2000 + 13000 * (i % 2)
    else:
        crossings = 80 + 3 * seed + (0 if i == 1 else 20 * i) + ((seed + i) % 3 - 1) * 4
        troops = 5000
    apprehensions = [990, 900, 999, 950, 970][seed % 5] * (1 if i == 0 else 2)
    interception = apprehensions / (apprehensions + crossings)
    pushbacks = 100 * i + seed
    asylum = apprehensions - pushbacks
    people_reached = 1500 + 10 * seed
    people_crossed = crossings - 5
    troops_deployed = troops * 0.8
    cost_troops = troops_deployed * 150.0 * DAYS
    capital = 186 * 1470000.0 * (i >= 2) if country == "poland" else 0.0
    cost_fence = capital * DAYS / (20 * 365)
    cost_asylum, cost_pushback = asylum * 3000.0, pushbacks * 500.0
    return {
        "crossings": crossings,
        "attempts": crossings + apprehensions + 10,
        "apprehensions": apprehensions,
        "pushbacks": pushbacks,
        "interception_rate": interception,
        "deaths": 5 if seed == 2 else 0,
        "gave_up": 30 + 10 * i + seed,
        "asylum_claims": asylum,
        "pushbacks_per_person": pushbacks / people_reached,
        "cost_eur": cost_troops + cost_fence + cost_asylum + cost_pushback,
        # issue 14's contract
        "troops_asked": troops,
        "troops_deployed": troops_deployed,
        "cost_troops_eur": cost_troops,
        "cost_fence_eur": cost_fence,
        "cost_asylum_eur": cost_asylum,
        "cost_pushback_eur": cost_pushback,
        "fence_capital_eur": capital,
        "people_reached_line": people_reached,
        "people_crossed": people_crossed,
        "share_crossed": people_crossed / people_reached,
        "people_apprehended": apprehensions // 2,
        "apprehensions_per_attempt": apprehensions / (crossings + apprehensions + 10),
        "days_in_zone_mean": 3.0 + i + 0.1 * seed,
        "massed_peak": 400 + 100 * i + seed,
        "massed_mean": 100.0 + i,
    }


def draw_shift(i: int, draw: int) -> int:
    """How much posterior draw `draw` adds to scenario `i`'s Polish crossings: 40 per draw, and scenario i's
    effect against scenario 0 grows by 15 x i per draw."""
    return 40 * draw - 15 * i * draw


def block(i: int, seed: int, country: str, new: bool) -> dict:
    values = numbers(i, seed, country)
    return values if new else {k: v for k, v in values.items() if k in OLD_FIELDS}


def total(blocks: list[dict]) -> dict:
    out = {}
    for key in blocks[0]:  # Poland's block has every field
        vals = [b[key] for b in blocks if b.get(key) is not None]
        out[key] = sum(vals) if vals else None
    if out.get("interception_rate") is not None:
        out["interception_rate"] = out["apprehensions"] / (out["apprehensions"] + out["crossings"])
    if "share_crossed" in out:
        out["share_crossed"] = out["people_crossed"] / out["people_reached_line"]
    if "pushbacks_per_person" in out:
        reached = sum(b.get("people_reached_line", 1500) for b in blocks[:2])
        out["pushbacks_per_person"] = out["pushbacks"] / reached
    if "apprehensions_per_attempt" in out:
        out["apprehensions_per_attempt"] = out["apprehensions"] / out["attempts"]
    if "days_in_zone_mean" in out:
        out["days_in_zone_mean"] = blocks[0]["days_in_zone_mean"]
    return out


def put(config: dict, key: str, value: object) -> None:
    """Set a dotted key in a nested config (a config group such as `fence` by its name)."""
    node = config
    parts = key.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    if isinstance(node.get(parts[-1]), dict):
        node[parts[-1]]["name"] = value
    else:
        node[parts[-1]] = value


def make_sweep(
    root: Path,
    scenarios: list[dict[str, object]],
    seeds: int = 3,
    new: bool = True,
    experiment: dict | None = None,
    ramp: bool = False,
    days: int = DAYS,
    draws: int = 0,
) -> Path:
    """A sweep directory at `root`: one job per (scenario, seed), jobs numbered scenario-major as Hydra does.

    `draws` > 0 sweeps `posterior_draw=range(draws)` too: one job per (scenario, draw, seed), and draw k moves the
    Polish crossings by `draw_shift(i, k)` (a parameter effect that differs by scenario)."""
    root.mkdir(parents=True, exist_ok=True)
    job = 0
    for i, scenario in enumerate(scenarios):
        for draw, seed in (
            [(k, s) for k in range(draws) for s in range(seeds)] if draws else [(None, s) for s in range(seeds)]
        ):
            d = root / str(job)
            (d / ".hydra").mkdir(parents=True)
            overrides = [f"{k}={v}" for k, v in scenario.items()] + [f"seed={seed}"]
            if draw is not None:
                overrides.append(f"posterior_draw={draw}")
            (d / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump(overrides))
            config = {
                "seed": seed,
                "start_date": START,
                "days": days,
                "fence": {
                    "name": "custom",
                    "rules": [{"country": "poland", "barrier": "steel_wall", "sensors": False}],
                },
                "barriers": BARRIERS,
                "sensors": {"capex_eur_per_km": 362000.0},
                "troops": {
                    "poland": 2000,
                    "lithuania": 5000,
                    "ramp": {"poland": [{"date": START, "value": 0.5}] if ramp else [], "lithuania": []},
                },
                "policy": {"poland": {"pushback_share": 0.0}, "lithuania": {"pushback_share": 0.0}},
                "cost": COST if new else {k: COST[k] for k in ("troop_eur_per_day", "fence_lifetime_years")},
                "calibration": {"name": "calibrated"},
            }
            if draw is not None:
                config["posterior_draw"] = draw
            if new:
                config["experiment"] = experiment or {"name": "", "question": "", "description": "", "baseline": ""}
            for key, value in scenario.items():
                if key != "fence.poland":  # a key the config may not hold: the aggregator takes the override's value
                    put(config, key, value)
            (d / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
            blocks = {c: block(i, seed, c, new) for c in ("poland", "lithuania", "belarus")}
            if draw is not None:
                blocks["poland"]["crossings"] += draw_shift(i, draw)
            summary = {**blocks, "total": total(list(blocks.values()))}
            if new:
                summary |= {"days": days, "start_date": START}
            (d / "summary.json").write_text(json.dumps(summary, indent=2))
            rows = ["day,date,country,attempts,crossings,massed"]
            first = dt.date.fromisoformat(START)
            for day in range(days):
                date = first + dt.timedelta(days=day)
                for c, a in (("belarus", 0), ("poland", 10 + day % 7 + i), ("lithuania", 5 + seed)):
                    rows.append(f"{day},{date},{c},{a},{a // 3},{(day * 3 + i) % 11 if c != 'belarus' else 0}")
            (d / "daily.csv").write_text("\n".join(rows) + "\n")
            (d / "segments.csv").write_text("segment,attempts\n0,1\n")
            (d / "posts.csv").write_text("post,attempts\nx,1\n")
            job += 1
    return root


def summary_of(root: Path, job: int) -> dict:
    return json.loads((Path(root) / str(job) / "summary.json").read_text())
