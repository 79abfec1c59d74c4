"""Where numba caches the compiled loops, decided once for the package, and the decorator every compiled module uses.

The patrols' and people's hourly loops (sim/core/guards/response.py, beats.py, catch.py, sim/core/population.py,
transitions.py) are compiled with numba and cached on disk, so a new process loads them in ~0.7 s instead of
compiling them for ~6 s.
numba caches a source file's functions in the first writable of: `NUMBA_CACHE_DIR` (when set), the package's own
`__pycache__`, the user-wide cache (`~/.cache/numba` on Linux). Where none is writable (a read-only install with a
read-only HOME: a container, a cluster module), numba refuses at import ("cannot cache function ...: no locator
available").

Here that case falls back to a private per-user directory under the system temp dir (`borderflow-numba-<uid>`,
mode 0700, owned by this user: numba's cache files are pickles, so a directory someone else could write into is
never used), passed to numba as `NUMBA_CACHE_DIR` so that the sweep's worker processes inherit the decision; if
that cannot be used either, the loops are compiled without a cache. Either way the process says so in one warning
line (logger `sim.core.jit`, on stderr when logging is not configured) and runs; results are the same with or
without a cache.
"""

from __future__ import annotations

import getpass
import logging
import os
import stat
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numba
from numba import njit
from numba.misc.appdirs import AppDirs

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
#: The directories of the compiled modules (people in `sim/core`, patrols in `sim/core/guards`): numba caches a
#: file's functions in the `__pycache__` beside it when it can (its "in-tree" place), so that place is one
#: directory per entry here, and usable only when every one of them is writable.
COMPILED_DIRS = (PACKAGE_DIR, PACKAGE_DIR / "guards")
IN_TREE = tuple(directory / "__pycache__" for directory in COMPILED_DIRS)
#: A place numba may cache in: usable when every directory in it is writable.
Place = tuple[Path, ...]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CachePlan:
    """How the compiled loops are cached.

    `enabled`: whether numba caches them at all. `directory`: the fallback directory handed to numba as
    `NUMBA_CACHE_DIR`, or None where numba's own choice works. `notice`: the one line to say, None when nothing
    is out of the ordinary.
    """

    enabled: bool
    directory: Path | None
    notice: str | None


def user_cache_dir() -> Path:
    """numba's user-wide cache directory (`$XDG_CACHE_HOME/numba` or `~/.cache/numba` on Linux)."""
    return Path(AppDirs(appname="numba", appauthor=False).user_cache_dir)


def numba_places(environ: Mapping[str, str] | None = None) -> list[Place]:
    """The places numba would try for this package's functions, in its order: `NUMBA_CACHE_DIR` when set, the
    in-tree `__pycache__` directories, the user-wide cache."""
    environ = os.environ if environ is None else environ
    places = [(Path(environ["NUMBA_CACHE_DIR"]),)] if environ.get("NUMBA_CACHE_DIR") else []
    return [*places, IN_TREE, (user_cache_dir(),)]


def fallback_dir() -> Path:
    """A per-user directory under the system temp dir (`$TMPDIR`, else /tmp)."""
    user = os.getuid() if hasattr(os, "getuid") else getpass.getuser()
    return Path(tempfile.gettempdir()) / f"borderflow-numba-{user}"


def writable(path: Path) -> bool:
    """Whether numba could cache into `path`: it exists or can be made, and a file can be created in it.

    The same test numba makes (create the directories, open a temporary file); it also holds for root, for whom
    permission bits alone say nothing.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
    except OSError:
        return False
    return True


def private_dir(path: Path) -> bool:
    """Whether `path` is (or can be made) a writable directory that only this user can write into."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return writable(path)


def plan_cache(
    places: Sequence[Place],
    fallback: Path,
    is_writable: Callable[[Path], bool] = writable,
    is_private: Callable[[Path], bool] = private_dir,
) -> CachePlan:
    """Where to cache: numba's own place if every directory of one of `places` is writable, else `fallback` if it
    is private and writable, else nowhere (compiled in every process)."""
    if any(all(is_writable(directory) for directory in place) for place in places):
        return CachePlan(enabled=True, directory=None, notice=None)
    tried = ", ".join(str(directory) for place in places for directory in place)
    if is_private(fallback):
        return CachePlan(
            enabled=True,
            directory=fallback,
            notice=f"warning: numba cannot cache the compiled loops in {tried} (not writable); caching them in "
            f"{fallback} instead (set NUMBA_CACHE_DIR to choose the place)",
        )
    return CachePlan(
        enabled=False,
        directory=None,
        notice=f"warning: numba cannot cache the compiled loops in {tried} nor {fallback} (not writable, or not "
        "private to this user); compiling them in every process instead (~6 s each; set NUMBA_CACHE_DIR to a "
        "writable directory)",
    )


def apply(plan: CachePlan) -> None:
    """Hand the plan to numba (before any function is decorated) and say what is out of the ordinary."""
    if plan.directory is not None:
        # through the environment, so that worker processes (joblib, submitit, Ray) start with the same place
        os.environ["NUMBA_CACHE_DIR"] = str(plan.directory)
        numba.config.reload_config()
    if plan.notice:
        log.warning(plan.notice)


PLAN = plan_cache(numba_places(), fallback_dir())
apply(PLAN)


def compiled(func: F) -> F:
    """`numba.njit`, cached where `PLAN` says (or not at all where nothing is writable)."""
    return njit(cache=PLAN.enabled)(func)
