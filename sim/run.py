"""Command line: `python -m sim.run [overrides]` runs one scenario and writes its outputs.

Outputs go into Hydra's run directory: `daily.csv`, `segments.csv`, `summary.json` and the resolved
`config.yaml`. A config mistake exits with status 2 and a message naming the key, never a traceback.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.config import CONFIG_DIR, Config, ConfigError, register_configs, to_config
from sim.io import write_csv, write_json, write_text
from sim.model import BorderModel

log = logging.getLogger("sim.run")
register_configs()

OUTPUTS = ("daily.csv", "segments.csv", "summary.json", "config.yaml")


def run(cfg: DictConfig, out_dir: Path) -> dict:
    """Validate, run and write one scenario; returns its summary."""
    config = to_config(cfg)
    model = BorderModel(config).run()
    out_dir.mkdir(parents=True, exist_ok=True)
    write_text(out_dir / "config.yaml", OmegaConf.to_yaml(OmegaConf.structured(config)))
    write_csv(out_dir / "daily.csv", model.daily)
    write_csv(out_dir / "segments.csv", model.segments)
    summary = model.summary
    write_json(out_dir / "summary.json", summary)
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
        if key in groups or key.split(".")[0] == "hydra" or "/" in key:
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
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        summary = run(cfg, out_dir)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    print(f"wrote {', '.join(OUTPUTS)} to {out_dir}")
    print(headline(summary))


if __name__ == "__main__":
    problem = unknown_key(sys.argv[1:])
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        sys.exit(2)
    main()
