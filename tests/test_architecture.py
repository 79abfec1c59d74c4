"""The package's layers: each imports only the layers below it, and no module imports, even indirectly, a module
that imports it back.

The import graph is read from the source with `ast`, so it includes what running the code would not show: imports
under `if TYPE_CHECKING:` (a lower layer never names an upper layer's class, not even for a type hint) and imports
inside functions. `from sim.core.guards import beats` is an edge to `sim.core.guards.beats`; `from sim import
BorderModel` is an edge to the package `sim` itself (its `__init__`). The implicit import of a parent package when a
submodule is imported is not an edge (every submodule would otherwise close a circle through `sim/__init__`).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "hydra_plugins")

#: The layers, lowest first (docs/architecture.md): a module imports its own layer and those below, never above.
LAYERS = ("sim.config", "sim.core", "sim.cli", "sim.analysis", "sim.inference", "sim.viz")
#: Above every layer: the public API (`sim/__init__`, loaded lazily) and the commands' entry points.
ENTRY_POINTS = ("sim", "sim.run", "sim.aggregate", "sim.report", "sim.validate", "sim.calibrate", "sim.sensitivity")
#: Hydra finds plugins only under `hydra_plugins/`: the validating sweeper is command-line glue, in the cli layer.
PLUGIN_LAYER = "sim.cli"
#: What the model core never imports (directly): Hydra and its configs, files and their formats, plotting, the app.
CORE_FORBIDDEN_IMPORTS = {"hydra", "omegaconf", "yaml", "json", "pyarrow", "matplotlib", "solara", "ipywidgets"}
#: ...nor calls: the core neither reads nor writes files (outputs are the command line's job).
CORE_FORBIDDEN_CALLS = {"open", "to_csv", "to_parquet", "to_json", "write_text", "write_bytes", "read_text", "savefig"}


def module_name(path: Path, root: Path) -> str:
    """`sim/core/guards/force.py` → `sim.core.guards.force`; `sim/__init__.py` → `sim`."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    """Module → the modules of `packages` it imports anywhere in its source (top level, functions, TYPE_CHECKING)."""
    files = {module_name(p, root): p for pkg in packages for p in sorted((root / pkg).rglob("*.py"))}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: resolved against this module's package
                    anchor = name.split(".") if is_package else name.split(".")[:-1]
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in files:  # `import sim.x.y` of a name inside sim.x: an edge to sim.x
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as [a, b, ..., a], or None when the graph is acyclic (depth-first search)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def layer_of(module: str) -> str | None:
    """The layer a module belongs to; None for the entry points above every layer (and for unknown modules)."""
    if module.startswith("hydra_plugins"):
        return PLUGIN_LAYER
    return next((layer for layer in LAYERS if module == layer or module.startswith(layer + ".")), None)


def test_the_package_has_no_import_circle():
    graph = import_graph(ROOT)
    assert "sim.core.model" in graph and "sim.core.guards.force" in graph["sim.core.model"]  # the walk found it
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_every_module_sits_in_a_layer():
    loose = [m for m in import_graph(ROOT) if layer_of(m) is None and m not in ENTRY_POINTS]
    assert not loose, f"modules outside the layers {LAYERS}: {loose} (put each in the layer it belongs to)"


def test_each_layer_imports_only_its_own_and_lower_layers():
    graph = import_graph(ROOT)
    upward = []
    for module, targets in sorted(graph.items()):
        mine = layer_of(module)
        for target in sorted(targets):
            theirs = layer_of(target)
            if mine is None:  # an entry point may import any layer
                continue
            if theirs is None or LAYERS.index(theirs) > LAYERS.index(mine):
                upward.append(f"{module} ({mine}) imports {target} ({theirs or 'an entry point'})")
    assert not upward, "imports that go up a layer:\n" + "\n".join(upward)


def _core_files() -> list[Path]:
    return sorted((ROOT / "sim" / "core").rglob("*.py"))


def test_the_core_imports_no_hydra_files_plotting_or_analysis():
    found = []
    for path in _core_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                names = []
            found += [
                f"{path.relative_to(ROOT)} imports {n}" for n in names if n.split(".")[0] in CORE_FORBIDDEN_IMPORTS
            ]
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if name in CORE_FORBIDDEN_CALLS:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} calls {name}")
    assert len(_core_files()) > 10
    assert not found, "\n".join(found)


def test_importing_the_core_loads_neither_hydra_nor_plotting():
    script = (
        "import json, sys\nimport sim.core.model\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'hydra', 'omegaconf', 'matplotlib', "
        "'solara'})))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert json.loads(done.stdout) == []
    layers = subprocess.run(
        [sys.executable, "-c", "import json, sys\nimport sim.core.model\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    loaded = json.loads(layers.stdout)
    assert "sim.core.model" in loaded
    assert not [m for m in loaded if m.startswith(("sim.cli", "sim.analysis", "sim.viz"))]


def test_the_public_api_is_loaded_on_first_use():
    import sim

    assert {"BorderModel", "load_config", "Migrant", "ConfigError"} <= set(sim.__all__) <= set(dir(sim))
    from sim import BorderModel, load_config

    assert BorderModel.__module__ == "sim.core.model"
    assert load_config.__module__ == "sim.config.compose"
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        sim.Nothing  # noqa: B018


def test_the_walk_sees_type_only_function_level_and_relative_imports(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from pkg.top import Top\n")
    (pkg / "top.py").write_text("from pkg import low\nclass Top: ...\n")
    (pkg / "low.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.top import Top\n"
        "def f():\n    from . import other\n"
    )
    (pkg / "other.py").write_text("import pkg.low\n")
    graph = import_graph(tmp_path, ("pkg",))
    assert graph == {
        "pkg": {"pkg.top"},
        "pkg.top": {"pkg.low"},
        "pkg.low": {"pkg.top", "pkg.other"},
        "pkg.other": {"pkg.low"},
    }
    assert find_cycle(graph) == ["pkg.low", "pkg.other", "pkg.low"]
    (pkg / "low.py").write_text("X = 1\n")
    (pkg / "other.py").write_text("from pkg.low import X\n")
    assert find_cycle(import_graph(tmp_path, ("pkg",))) is None
