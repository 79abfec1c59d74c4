"""The package's layers: no module imports, even indirectly, a module that imports it back.

The import graph is read from the source with `ast`, so it includes what running the code would not show:
imports under `if TYPE_CHECKING:` (a lower layer never names an upper layer's class, not even for a type hint)
and imports inside functions. `from sim import beats` is an edge to `sim.beats`; `from sim import BorderModel`
is an edge to the package `sim` itself (its `__init__`). The implicit import of a parent package when a
submodule is imported is not an edge (every submodule would otherwise close a circle through `sim/__init__`).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "hydra_plugins")


def module_name(path: Path, root: Path) -> str:
    """`sim/guards.py` → `sim.guards`; `sim/__init__.py` → `sim`."""
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


def test_the_package_has_no_import_circle():
    graph = import_graph(ROOT)
    assert "sim.model" in graph and "sim.guards" in graph["sim.model"]  # the walk found the package
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


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
