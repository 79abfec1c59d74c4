"""The Ray launcher: its configs (any venv), and the README's commands against a Ray cluster on the loopback
interface (only where the Ray launcher is installed: `make test-ray` builds `.venv-ray` with the `[ray]` extra and
runs this module there).

The cluster runs in network and PID namespaces of its own (`unshare`, as root or with user namespaces): only the
loopback interface exists there, so Ray (which listens on every interface and probes a public address to find its
own) can reach nothing but this machine, and every process it starts ends with the namespace. Its workers start in
a directory that is not the driver's, as on a real cluster.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
#: Beside this interpreter (not resolved: a venv's python is a link to the system's)
RAY = Path(sys.executable).parent / "ray"
#: Set by `make test-ray`: a missing prerequisite fails the test instead of skipping it.
REQUIRED = os.environ.get("BORDERFLOW_REQUIRE_RAY") == "1"
NAMESPACES = ["unshare", "--net", "--pid", "--mount-proc", "--kill-child"]
SMALL = ("fence=none,steel_wall", "days=1")


def _sim_run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run(
        [sys.executable, "-m", "sim.run", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def _output(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


# --- the launcher configs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("launcher", "extra", "address"),
    [
        ("ray", (), None),
        ("ray", ("hydra.launcher.ray.init.address=127.0.0.1:6379",), "127.0.0.1:6379"),
        ("ray_local", (), None),
    ],
)
def test_ray_configs_never_pass_an_object_store_size(launcher, extra, address):
    """Ray refuses `object_store_memory` when it joins a cluster, and the plugin adds 75 MB wherever the key is
    absent: the project's `ray` config sets it to null (Ray's own sizing), so the README's command works."""
    result = _sim_run(REPO, f"hydra/launcher={launcher}", *extra, "--cfg", "hydra")
    assert result.returncode == 0, _output(result)
    launcher_cfg = yaml.safe_load(result.stdout)["hydra"]["launcher"]
    assert launcher_cfg["_target_"] == "hydra_plugins.hydra_ray_launcher.ray_launcher.RayLauncher"
    init = launcher_cfg["ray"]["init"]
    assert init["address"] == address
    assert "object_store_memory" in init
    assert init["object_store_memory"] is None
    assert launcher_cfg["ray"]["remote"] == {"num_cpus": 1}


# --- a cluster on the loopback interface ------------------------------------------------------------------------


def _missing() -> str | None:
    """What this machine lacks for the cluster test, or None."""
    import importlib.util

    if not RAY.exists() or importlib.util.find_spec("hydra_plugins.hydra_ray_launcher") is None:
        return f"needs Ray and the Ray launcher beside {sys.executable} (`make test-ray`)"
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "needs unshare and ip (util-linux, iproute2) for a loopback-only network namespace"
    probe = subprocess.run([*_namespaces(), "ip", "link", "set", "lo", "up"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"cannot make a network namespace here: {probe.stderr.strip()}"
    return None


def _namespaces() -> list[str]:
    return NAMESPACES if os.geteuid() == 0 else [*NAMESPACES, "--map-root-user"]


#: Runs inside the namespaces: the README's two Ray commands, each from its own driver directory, with the relative
#: default sweep directory. First `ray_local` (Ray started by the driver), then a cluster started with `ray start`
#: from the workers' directory and the command that joins it. Each has a HOME of its own: a Ray that `ray.init`
#: starts writes an authentication token to ~/.ray, and a `ray start` that finds one turns token authentication on
#: (a driver then needs RAY_AUTH_MODE=token). Exit codes go to files; the cluster is stopped.
SCRIPT = r"""
set -u
ip link set lo up
export HOME="$BF_ROOT/local_driver"
cd "$BF_ROOT/local_driver"
"$BF_PYTHON" -m sim.run -m $BF_SWEEP hydra/launcher=ray_local > out.txt 2> err.txt
echo $? > exit.txt
export HOME="$BF_ROOT/workers"
cd "$BF_ROOT/workers"
"$BF_RAY" start --head --node-ip-address=127.0.0.1 --port=6379 --num-cpus=2 --include-dashboard=false \
    --disable-usage-stats > ray-start.txt 2>&1 || { cat ray-start.txt >&2; exit 3; }
cd "$BF_ROOT/cluster_driver"
"$BF_PYTHON" -m sim.run -m $BF_SWEEP hydra/launcher=ray hydra.launcher.ray.init.address=127.0.0.1:6379 \
    > out.txt 2> err.txt
echo $? > exit.txt
"$BF_RAY" stop --force > "$BF_ROOT/ray-stop.txt" 2>&1
exit 0
"""


@pytest.fixture(scope="module")
def ray_sweeps():
    """Both sweeps run once: {"local_driver" | "cluster_driver": directory}, plus the workers' directory."""
    missing = _missing()
    if missing:
        if REQUIRED:
            pytest.fail(missing)
        pytest.skip(missing)
    # a short path: Ray's sockets live under RAY_TMPDIR, and a socket path has at most 107 characters
    root = Path(tempfile.mkdtemp(prefix="bf-ray-"))
    for name in ("local_driver", "workers", "cluster_driver", "ray"):
        (root / name).mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR" and not k.startswith("RAY_")},
        "BF_ROOT": str(root),
        "BF_PYTHON": sys.executable,
        "BF_RAY": str(RAY),
        "BF_SWEEP": " ".join(SMALL),
        "RAY_TMPDIR": str(root / "ray"),
        "RAY_USAGE_STATS_ENABLED": "0",
    }
    try:
        result = subprocess.run(
            [*_namespaces(), "bash", "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=400
        )
        assert result.returncode == 0, _output(result)
        yield {name: root / name for name in ("local_driver", "cluster_driver", "workers")}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _driver(directory: Path) -> tuple[int, str, str]:
    return (
        int((directory / "exit.txt").read_text()),
        (directory / "out.txt").read_text(),
        (directory / "err.txt").read_text(),
    )


@pytest.mark.slow
@pytest.mark.parametrize("driver", ["local_driver", "cluster_driver"])
def test_the_readme_ray_commands_run_every_job_into_the_driver_s_sweep_dir(ray_sweeps, driver):
    code, out, err = _driver(ray_sweeps[driver])
    assert code == 0, f"exit {code}\n--- stdout\n{out}\n--- stderr\n{err}"
    assert "Traceback" not in err
    assert "object_store_memory" not in err
    assert "validated against ConfigStore schema" not in err  # the shadowed plugin config says nothing
    # the default sweep dir, relative in the config, resolved against the driver's directory
    (sweep_dir,) = (ray_sweeps[driver] / "results" / "sweeps").iterdir()
    table = pd.read_csv(sweep_dir / "summary.csv")
    assert sorted(table["fence"]) == ["none", "steel_wall"]
    for job in (0, 1):
        assert (sweep_dir / str(job) / "summary.json").is_file()
    # nothing landed in the workers' own working directory
    assert not (ray_sweeps["workers"] / "results").exists()
