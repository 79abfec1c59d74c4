"""Command line: `python -m sim.run [overrides]` runs one scenario; `-m` runs a sweep.

Outputs go into Hydra's run (or job) directory: `daily.csv`, `segments.csv`, `posts.csv`, `summary.json` and the
resolved `config.yaml`, the last written last so that its presence marks a complete run. A config mistake exits non-zero
with status 2 and a message naming the key or the file, never a traceback: the model's own checks, Hydra's
composition errors (an unknown config group option, a value of the wrong type) and YAML syntax errors in a config
file alike (`cli`).

Nothing is written over another run (`sim.cli.output_guard`): a single run never writes into a directory that holds
a run (the default timestamped directory takes the next free name `<time>_2`; a `hydra.run.dir` given on the command
line that holds a run stops with exit 2 naming it), and a sweep locks its directory and refuses one that holds
another sweep's runs (exit 2). A directory that cannot be written stops the command with one line naming it.

In a sweep, a job whose outputs are complete, readable and of the same config is skipped (resume); a job whose
outputs are damaged (a truncated `summary.json`) or of another config is re-run, saying so; a job that crashes
writes `error.json` instead of stopping the others. The sweep is aggregated when it ends (`sim.aggregate`) and
exits 1 unless every run finished and the summary was written.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from pathlib import Path

import hydra
import yaml
from hydra.core.hydra_config import HydraConfig
from hydra.errors import HydraException, MissingConfigException, OverrideParseException
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.cli.io import cannot_write, write_csv, write_json, write_text
from sim.cli.output_guard import held_message
from sim.cli.outputs import ERROR_FILE, RUN_OUTPUTS, holds_run, output_problem, read_summary
from sim.config.compose import CONFIG_DIR, register_configs, to_config
from sim.config.experiment import experiment_file_problem
from sim.config.fields import ConfigError
from sim.config.root import Config
from sim.core.model import BorderModel

log = logging.getLogger("sim.run")
register_configs()

OUTPUTS = RUN_OUTPUTS


def config_yaml(config: Config) -> str:
    return OmegaConf.to_yaml(OmegaConf.structured(config))


def run(cfg: DictConfig | Config, out_dir: Path, progress: bool | None = None) -> dict:
    """Validate, run and write one scenario; returns its summary."""
    config = to_config(cfg)
    model = BorderModel(config).run(progress)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(out_dir / "daily.csv", model.daily)
    write_csv(out_dir / "segments.csv", model.segments)
    write_csv(out_dir / "posts.csv", model.posts)
    summary = {"start_date": config.start_date, "days": config.days, **model.summary}  # the period, beside the blocks
    write_json(out_dir / "summary.json", summary)
    write_text(out_dir / "config.yaml", config_yaml(config))  # last: marks the run complete
    return summary


def run_job(cfg: DictConfig, out_dir: Path, name: str) -> dict | None:
    """One job of a sweep: skip it if its outputs are complete and of the same config, re-run it (saying why) if
    they are damaged or of another config, and record a crash in `error.json` instead of raising."""
    config = to_config(cfg)
    wanted = config_yaml(config)
    if any((out_dir / output).exists() for output in OUTPUTS):
        problem = output_problem(out_dir)
        if problem is None and (out_dir / "config.yaml").read_text(encoding="utf-8") == wanted:
            (out_dir / ERROR_FILE).unlink(missing_ok=True)
            log.info("%s: already complete, skipped", name)
            return read_summary(out_dir)
        why = problem if problem is not None else "its outputs are of another config"
        log.warning("%s: %s in %s; running it again", name, why, out_dir)
    for output in OUTPUTS:  # outputs of another config must not outlive a re-run that fails
        path = out_dir / output
        if path.is_file():
            path.unlink()
    try:
        summary = run(config, out_dir, progress=False)
    except Exception as err:
        message = f"{type(err).__name__}: {err}"
        try:
            write_json(out_dir / ERROR_FILE, {"error": message, "traceback": traceback.format_exc()})
        except OSError as write_err:
            log.error("%s: FAILED %s (and %s)", name, message, cannot_write(write_err, out_dir / ERROR_FILE))
            return None
        log.error("%s: FAILED %s (see %s)", name, message, out_dir / ERROR_FILE)
        return None
    (out_dir / ERROR_FILE).unlink(missing_ok=True)
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


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
def main(cfg: DictConfig) -> None:
    hc = HydraConfig.get()
    out_dir = Path(hc.runtime.output_dir)
    if hc.mode == RunMode.MULTIRUN:
        run_job(cfg, out_dir, f"job {hc.job.num} [{hc.job.override_dirname}]")
        return
    held = [name for name in holds_run(out_dir) if name != ".hydra"]
    if held:  # only where the guard did not claim the directory (a saved config run with --config-path)
        print(f"error: {held_message(out_dir, held)}", file=sys.stderr)
        sys.exit(2)
    try:
        named = OmegaConf.select(cfg, "experiment.name", default="")  # a config saved before the block: none
        problem = experiment_file_problem(str(named or ""), hc.runtime.choices.get("experiment"))
        if problem:  # a sweep's jobs were checked by the sweeper; a single run of an experiment here
            raise ConfigError(problem)
        summary = run(cfg, out_dir)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    except OSError as err:
        written = err.filename is None or Path(str(err.filename)).is_relative_to(out_dir)
        problem = cannot_write(err, out_dir) if written else f"{type(err).__name__}: {err}"
        print(f"error: {problem}; the run's outputs in {out_dir} are incomplete", file=sys.stderr)
        sys.exit(1)
    shown = out_dir.relative_to(Path.cwd()) if out_dir.is_relative_to(Path.cwd()) else out_dir
    print(f"wrote {', '.join(OUTPUTS)} to {shown}")
    print(headline(summary))


def config_file_problem(err: BaseException) -> str | None:
    """One line for a mistake in a config file or in the command line that Hydra or YAML found while composing
    (a YAML syntax error naming its file and line, an unknown group option, a value of the wrong type); None for
    anything else, which is a bug and keeps its traceback."""
    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        where = f"{mark.name}, line {mark.line + 1}, column {mark.column + 1}" if mark else "a config file"
        return f"YAML syntax error in {where}: {err.problem or err.context}"
    if isinstance(err, MissingConfigException) and err.missing_cfg_file and "/" in err.missing_cfg_file:
        group, name = err.missing_cfg_file.rsplit("/", 1)
        allowed = ", ".join(sorted(err.options or [])) or "none"
        renamed = RENAMED.get(f"{group}/{name}")
        hint = f"; it was renamed {group}={renamed}" if renamed else ""
        return f"{group}={name}: no such option (configs/{group}/{name}.yaml){hint}; allowed for {group}: {allowed}"
    if isinstance(err, OverrideParseException):
        return f"cannot read the override '{err.override}': {err.message}"
    if isinstance(err, yaml.YAMLError | HydraException | OmegaConfBaseException):
        cause = err.__cause__
        text = str(err) if cause is None or str(cause) in str(err) else f"{err}\n{cause}"
        return text.strip()
    return None


#: Config options that were renamed: old `group/name` -> new name (a command written for the old name says so).
RENAMED = {"scenario/wall2022": "wall_in_2021"}

#: Flags that name a config directory other than the project's `configs/` (a saved run's, for a rerun).
CONFIG_PATH_FLAGS = ("--config-path", "-cp")


def _override_value(value: object) -> str:
    """A YAML scalar as an override value. Paths, names and interpolations are written as they are, so that an
    interpolation stays one (`${hydra.job.num}` is resolved per job, not when the command line is read); anything
    else is quoted."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float) or re.fullmatch(r"[\w./:%${}-]+", str(value)):
        return str(value)
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def project_hydra_overrides(argv: list[str]) -> list[str]:
    """The project's own Hydra settings (`configs/config.yaml`'s `hydra:` block) as overrides, for a run of a
    config from another directory (`--config-path`), such as a saved run's `config.yaml`, which holds none: where
    runs and sweeps go, the guard that never writes over another run or into a live sweep, the sweeper that checks
    every job first, and the sweep's summary tables. Keys the command line sets itself are left to it. Empty when
    no other config directory is named."""
    if not any(a == flag or a.startswith(flag + "=") for a in argv for flag in CONFIG_PATH_FLAGS):
        return []
    block = yaml.safe_load((CONFIG_DIR / "config.yaml").read_text(encoding="utf-8"))["hydra"]
    given = {a.split("=", 1)[0].lstrip("+~") for a in argv if "=" in a and not a.startswith("-")}
    overrides: list[str] = []

    def walk(node: dict, prefix: str) -> None:
        for name, value in node.items():
            key = f"{prefix}.{name}"
            if isinstance(value, dict):
                walk(value, key)
            elif key not in given:
                overrides.append(f"++{key}={_override_value(value)}")

    walk(block, "hydra")
    return overrides


def cli(argv: list[str]) -> None:
    """`python -m sim.run`: every user mistake in the command line or a config file exits 2 with a message naming
    the key or the file, before anything runs; Hydra's own composition errors included (Hydra alone exits 1 and,
    for a YAML syntax error, prints a traceback)."""
    problem = unknown_key(argv)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        sys.exit(2)
    sys.argv = [sys.argv[0], *argv, *project_hydra_overrides(argv)]  # what Hydra's own parser reads
    asked_for_traces = bool(os.environ.get("HYDRA_FULL_ERROR"))
    os.environ["HYDRA_FULL_ERROR"] = "1"  # Hydra then raises composition errors here instead of exiting 1
    try:
        main()
    except Exception as err:
        problem = config_file_problem(err)
        if problem is None or asked_for_traces:
            raise
        print(f"error: {problem}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    cli(sys.argv[1:])
