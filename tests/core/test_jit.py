"""Read-only installs: where numba caches the compiled loops when package and HOME cannot be written (sim/core/jit.py).

Tests run as root in CI, and root writes through permission bits, so "not writable" is made here the way it holds
for root too: a regular file stands where a cache directory would have to be.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sim.core import jit

REPO = Path(__file__).resolve().parents[2]

#: Imports the copied package, calls one compiled function, and reports what happened as JSON on stdout; then
#: starts one child process with the environment it leaves behind (as a sweep's worker would be) and reports
#: whether the child had anything to say.
SCRIPT = """
import json, os, subprocess, sys
import numpy as np
import sim
from sim.core.guards.response import shortfall

need = shortfall(np.array([1], dtype=np.int64), np.zeros(3, dtype=np.int8), np.full(3, -1, dtype=np.int64), 3, 2, 4)
child = subprocess.run([sys.executable, "-c", "import sim.core.jit"], capture_output=True, text=True)
print(json.dumps({
    "package": sim.__file__,
    "lacking": need[1].tolist(),
    "numba_cache_dir": os.environ.get("NUMBA_CACHE_DIR"),
    "child_exit": child.returncode,
    "child_stderr": child.stderr,
}))
"""


def _read_only_install(root: Path) -> dict[str, str]:
    """A copy of sim/ and configs/ whose `sim/core/guards/__pycache__` and `HOME/.cache` are regular files: numba
    can cache
    neither in the tree nor in the user-wide directory. Returns the environment to run it with."""
    package = root / "install"
    shutil.copytree(REPO / "sim", package / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "configs", package / "configs")
    (package / "sim" / "core" / "guards" / "__pycache__").write_text("not a directory\n")
    home = root / "home"
    home.mkdir()
    (home / ".cache").write_text("not a directory\n")
    (root / "tmp").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME", "PYTHONPATH")}
    return {**env, "HOME": str(home), "TMPDIR": str(root / "tmp"), "PYTHONDONTWRITEBYTECODE": "1"}


def _run(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=root / "install",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _fallback(root: Path) -> Path:
    return root / "tmp" / f"borderflow-numba-{os.getuid()}"


def test_read_only_install_caches_in_a_private_temp_dir_and_says_so_once(tmp_path):
    env = _read_only_install(tmp_path)
    result = _run(tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["package"] == str(tmp_path / "install" / "sim" / "__init__.py")  # the copy, not the repository
    assert report["lacking"] == [2]  # the compiled function ran: segment 1 lacks both responders
    fallback = _fallback(tmp_path)
    # one line, naming where numba could not cache and where the loops went instead
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert str(tmp_path / "install" / "sim" / "core" / "guards" / "__pycache__") in lines[0]
    assert str(tmp_path / "home" / ".cache" / "numba") in lines[0]
    assert f"caching them in {fallback} instead" in lines[0]
    # the cache is really there, private to this user, and handed on to child processes, which stay silent
    assert list(fallback.rglob("response.shortfall-*.nbi"))
    assert stat.S_IMODE(fallback.stat().st_mode) == 0o700
    assert report["numba_cache_dir"] == str(fallback)
    assert report["child_exit"] == 0
    assert report["child_stderr"] == ""
    # a second process loads what the first cached (and still says where, once)
    again = _run(tmp_path, env)
    assert again.returncode == 0, again.stderr
    assert len(again.stderr.splitlines()) == 1


def test_read_only_install_without_any_usable_cache_compiles_and_says_so_once(tmp_path):
    env = _read_only_install(tmp_path)
    _fallback(tmp_path).write_text("not a directory either\n")
    result = _run(tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["lacking"] == [2]
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "compiling them in every process instead" in lines[0]
    assert "Traceback" not in result.stderr


# --- the decision itself --------------------------------------------------------------------------------------


def test_plan_keeps_numba_s_own_place_when_one_is_writable(tmp_path):
    places = [(tmp_path / "tree",), (tmp_path / "user",)]
    plan = jit.plan_cache(places, tmp_path / "fallback", is_writable=lambda p: p == tmp_path / "user")
    assert plan == jit.CachePlan(enabled=True, directory=None, notice=None)


def test_the_in_tree_place_needs_every_compiled_directory_writable(tmp_path):
    tree = (tmp_path / "core", tmp_path / "core" / "guards")
    fallback = tmp_path / "fallback"
    half = jit.plan_cache([tree], fallback, is_writable=lambda p: p == tree[0], is_private=lambda p: True)
    assert half.directory == fallback and str(tree[1]) in (half.notice or "")
    whole = jit.plan_cache([tree], fallback, is_writable=lambda p: p in tree, is_private=lambda p: True)
    assert whole == jit.CachePlan(enabled=True, directory=None, notice=None)
    assert [d.parent for d in jit.IN_TREE] == [Path(jit.__file__).parent, Path(jit.__file__).parent / "guards"]


def test_plan_falls_back_to_the_private_dir_when_no_place_is_writable(tmp_path):
    places = [(tmp_path / "tree",), (tmp_path / "user",)]
    fallback = tmp_path / "fallback"
    plan = jit.plan_cache(places, fallback, is_writable=lambda p: False, is_private=lambda p: p == fallback)
    assert plan.enabled
    assert plan.directory == fallback
    assert plan.notice is not None and "\n" not in plan.notice
    assert all(str(place) in plan.notice for place in [*(p for (p,) in places), fallback])


def test_plan_disables_the_cache_when_the_fallback_is_not_private_either(tmp_path):
    plan = jit.plan_cache(
        [(tmp_path / "tree",)], tmp_path / "fallback", is_writable=lambda p: False, is_private=lambda p: False
    )
    assert not plan.enabled
    assert plan.directory is None
    assert plan.notice is not None and "\n" not in plan.notice


def test_places_follow_numba_s_order(tmp_path):
    user = (jit.user_cache_dir(),)
    assert jit.numba_places({"NUMBA_CACHE_DIR": str(tmp_path)}) == [(tmp_path,), jit.IN_TREE, user]
    assert jit.numba_places({}) == [jit.IN_TREE, user]


def test_writable_is_false_where_a_file_is_in_the_way_even_for_root(tmp_path):
    (tmp_path / "file").write_text("")
    assert jit.writable(tmp_path / "new" / "dir")
    assert not jit.writable(tmp_path / "file")
    assert not jit.writable(tmp_path / "file" / "below")


def test_private_dir_refuses_a_directory_others_can_write(tmp_path):
    mine = tmp_path / "mine"
    assert jit.private_dir(mine)
    assert stat.S_IMODE(mine.stat().st_mode) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    assert not jit.private_dir(shared)
    (tmp_path / "file").write_text("")
    assert not jit.private_dir(tmp_path / "file")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a directory away needs root")
def test_private_dir_refuses_a_directory_of_another_user(tmp_path):
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, 65534, 65534)
    assert not jit.private_dir(theirs)
