"""Running the project's command lines from tests: `python -m MODULE ARGS` in a subprocess, waited for or in the
background, with the environment a user has (no `HYDRA_FULL_ERROR`, so Hydra and `sim.run` report as they do for
users), and a readable dump of what a command printed for assertion messages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 600  # seconds per command; the sweeps of the tests take well under a minute even when run side by side


def user_env() -> dict[str, str]:
    """This process's environment as a user's shell would have it."""
    return {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}


def this_checkout_env(cwd: Path) -> dict[str, str]:
    """`user_env()`, with this checkout first on the import path when a command runs from another directory (there
    `python -m` would otherwise import whatever `sim` is installed, which need not be the code under test)."""
    env = user_env()
    if Path(cwd).resolve() != REPO:
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    return env


class Launch:
    """`python -m MODULE ARGS` started in the background from `cwd`; `result()` waits for it (once)."""

    def __init__(self, module: str, *args: str, cwd: Path = REPO) -> None:
        self.args = [sys.executable, "-m", module, *args]
        self.proc = subprocess.Popen(
            self.args, cwd=cwd, env=this_checkout_env(cwd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self._result: subprocess.CompletedProcess[str] | None = None

    def result(self) -> subprocess.CompletedProcess[str]:
        if self._result is None:
            stdout, stderr = self.proc.communicate(timeout=TIMEOUT)
            self._result = subprocess.CompletedProcess(self.args, self.proc.returncode, stdout, stderr)
        return self._result

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def run_module(module: str, *args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """`python -m MODULE ARGS` from `cwd` (the repository root by default), waited for."""
    return Launch(module, *args, cwd=cwd).result()


def printed(result: subprocess.CompletedProcess[str]) -> str:
    """Exit status, stdout and stderr of a command, for assertion messages."""
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


#: Commands started at once in the background, by name: (the directory each writes into, its launch).
Launches = dict[str, tuple[Path, Launch]]


def finished(launches: Launches, name: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """One of `launches` waited for: (its directory, its result)."""
    directory, launch = launches[name]
    return directory, launch.result()


def stop_all(launches: Launches) -> None:
    """Kill whatever of `launches` is still running (a fixture's teardown)."""
    for _, launch in launches.values():
        launch.stop()
