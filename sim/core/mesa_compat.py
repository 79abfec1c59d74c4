"""Mesa compatibility: models and grids that nobody uses any more are freed, on every Mesa the project allows.

Two process-wide tables in Mesa keep what a model made alive for the life of the process, so a notebook that
builds models in a loop, a sweep worker that runs job after job and the app on every Reset grow without bound:

- Mesa 3.3 and 3.4 number agents per model with a class-level `defaultdict` keyed by the model
  (`mesa.Agent._ids`): a model's first agent puts the model in it, and nothing takes it out, so every model stays,
  with its arrays and agents (~20 MB for a default `BorderModel`). Mesa 3.5 counts in the model itself
  (`Model.agent_id_counter`) and has no `_ids`. `release_models` swaps Mesa's dict for one that holds its models
  weakly and is otherwise the same (a counter from 1 per model, made on first use); agent ids are unchanged. Where
  Mesa has no such dict (3.5 and later) it does nothing.
- Every Mesa 3 grid makes its own cell class and registers it with `copyreg` (for pickling its cells), and the
  class holds the grid's property layers (~0.5 MB for the border's grid). `release_grid` takes the class out of
  `copyreg`'s table when the grid is collected; while the grid lives, its cells pickle as before.
"""

from __future__ import annotations

import copyreg
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import mesa


class CountersByModel(weakref.WeakKeyDictionary):
    """Per-model agent id counters that hold each model weakly; a missing model gets `default_factory()`.

    Args:
        default_factory: makes the counter of a model seen for the first time (Mesa: `itertools.count(1)`).
        items: (model, counter) pairs to start with, e.g. the counters Mesa holds already.
    """

    def __init__(self, default_factory: Callable[[], Any], items: Iterable[tuple[Any, Any]] = ()) -> None:
        super().__init__(items)
        self.default_factory = default_factory

    def __getitem__(self, model: Any) -> Any:
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = self[model] = self.default_factory()
            return counter


def release_models() -> bool:
    """Make Mesa hold its per-model agent counters weakly (once per process; later calls do nothing).

    Returns whether Mesa's dict was replaced now. The models it held already are kept in the new one, weakly, so
    those nobody else references are freed at the next garbage collection.
    """
    ids = vars(mesa.Agent).get("_ids")
    if type(ids) is not defaultdict:
        return False  # Mesa >= 3.5 (no such dict), or replaced already
    mesa.Agent._ids = CountersByModel(ids.default_factory, ids.items())
    return True


def release_grid(grid: Any) -> None:
    """Let `grid`'s cell class (and the property layers it holds) go when `grid` does.

    Mesa registers the class in `copyreg.dispatch_table`, a process-wide dict; this removes it when `grid` is
    garbage-collected. Does nothing for a grid whose cell class is not registered.
    """
    cell_class = getattr(grid, "cell_klass", None)
    if cell_class is not None and cell_class in copyreg.dispatch_table:
        weakref.finalize(grid, copyreg.dispatch_table.pop, cell_class, None)
