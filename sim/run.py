"""Command line: `python -m sim.run [overrides]` runs one scenario; `-m` runs a sweep.

Outputs go into Hydra's run (or job) directory: `daily.csv`, `segments.csv`, `summary.json` and the resolved
`config.yaml`, the last written last so that its presence marks a complete run. A config mistake exits non-zero
with a message naming the key, never a traceback (2 for the model's own checks, 1 for Hydra's composition
errors such as an unknown config group option). In a sweep, a job whose outputs are already complete
for the same config is skipped (resume), and a job that crashes writes `error.json` instead of stopping the
others; the sweep is aggregated when it ends (`sim.aggregate`).
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim.aggregate import run_is_complete
from sim.config import CONFIG_DIR, Config, ConfigError, register_configs, to_config
from sim.io import write_csv, write_json, write_text
from sim.model import BorderModel

log = logging.getLogger("sim.run")
register_configs()

OUTPUTS = ("daily.csv", "segments.csv", "summary.json", "config.yaml")


def config_yaml(config: Config) -> str:
    return OmegaConf.to_yaml(OmegaConf.structured(config))


def run(cfg: DictConfig | Config, out_dir: Path, progress: bool | None = None) -> dict:
    """Validate, run and write one scenario; returns its summary."""
    config = to_config(cfg)
    model = BorderModel(config).run(progress)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(out_dir / "daily.csv", model.daily)
    write_csv(out_dir / "segments.csv", model.segments)
    summary = model.summary
    write_json(out_dir / "summary.json", summary)
    write_text(out_dir / "config.yaml", config_yaml(config))  # last: marks the run complete
    return summary


def run_job(cfg: DictConfig, out_dir: Path, name: str) -> dict | None:
    """One job of a sweep: skip it if already complete, record a crash instead of raising."""
    config = to_config(cfg)
    if run_is_complete(out_dir) and (out_dir / "config.yaml").read_text() == config_yaml(config):
        log.info("%s: already complete, skipped", name)
        return json.loads((out_dir / "summary.json").read_text())
    for output in OUTPUTS:  # outputs of another config must not outlive a re-run that fails
        path = out_dir / output
        if path.is_file():
            path.unlink()
    try:
        summary = run(config, out_dir, progress=False)
    except Exception as err:
        message = f"{type(err).__name__}: {err}"
        write_json(out_dir / "error.json", {"error": message, "traceback": traceback.format_exc()})
        log.error("%s: FAILED %s (see %s)", name, message, out_dir / "error.json")
        return None
    (out_dir / "error.json").unlink(missing_ok=True)
    total = summary["total"]
    rate = total["interception_rate"]
    log.info(
        "%s: crossings %d, attempts %d, apprehensions %d, pushbacks %d, interception %s",
        name,
        total["crossings"],
        total["attempts"],
        total["apprehensions"],
        total["pushbacks"],
        f"{rate:.2f}" if rate is not None else "n/a",
    )
    return summary


def headline(summary: dict) -> str:
    lines = [
        f"{'':10} {'attempts':>9} {'crossings':>9} {'apprehended':>11} {'pushbacks':>9} {'asylum':>7} {'deaths':>6}"
    ]
    for country in ("poland", "lithuania", "total"):
        s = summary[country]
        lines.append(
            f"{country:10} {s['attempts']:>9} {s['crossings']:>9} {s['apprehensions']:>11} "
            f"{s['pushbacks']:>9} {s['asylum_claims']:>7} {s['deaths']:>6}"
        )
    rate = summary["total"]["interception_rate"]
    lines.append(f"interception rate {rate:.2f}" if rate is not None else "interception rate n/a")
    return "\n".join(lines)


def unknown_key(overrides: list[str]) -> str | None:
    """Name the first override whose key the schema does not have, with the keys allowed there.

    Hydra rejects such keys too, but without saying what is allowed; this check runs before Hydra starts.
    Group choices (`fence=steel_wall`), Hydra's own keys and list indices are left to Hydra.
    """
    schema = OmegaConf.structured(Config)
    groups = {p.name for p in CONFIG_DIR.iterdir() if p.is_dir()}
    for override in overrides:
        if override.startswith("-") or "=" not in override:
            continue
        key = override.split("=", 1)[0].lstrip("+~")
        if key in groups or key.split(".")[0] == "hydra" or "/" in key or "[" in key:
            continue
        node = schema
        for i, part in enumerate(key.split(".")):
            if not isinstance(node, DictConfig):
                break
            if part not in node:
                where = ".".join(key.split(".")[:i]) or "the top level"
                allowed = ", ".join(sorted(str(k) for k in node))
                return f"unknown key '{key}': allowed keys under {where} are {allowed}"
            node = node._get_node(part)
    return None


@hydra.main(version_base="1.3", config_path="../configs", config_name="config")
def main(cfg: DictConfig) -> None:
    hc = HydraConfig.get()
    out_dir = Path(hc.runtime.output_dir)
    if hc.mode == RunMode.MULTIRUN:
        run_job(cfg, out_dir, f"job {hc.job.num} [{hc.job.override_dirname}]")
        return
    try:
        summary = run(cfg, out_dir)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    shown = out_dir.relative_to(Path.cwd()) if out_dir.is_relative_to(Path.cwd()) else out_dir
    print(f"wrote {', '.join(OUTPUTS)} to {shown}")
    print(headline(summary))


if __name__ == "__main__":
    problem = unknown_key(sys.argv[1:])
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        sys.exit(2)
    main()
