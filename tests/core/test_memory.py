"""Models nobody references any more are freed: building model after model in one process stays flat.

Mesa 3.3/3.4 kept every model in a class-level dict of agent id counters, and every Mesa 3 grid leaves its cell
class (holding the grid's property layers) in `copyreg`'s table; `sim/core/mesa_compat.py` releases both. A notebook
building models in a loop, a sweep worker running job after job and the app on every Reset
(`tests/viz/test_app.py`) all build models through `BorderModel.__init__`.
"""

from __future__ import annotations

import copyreg
import gc
import itertools
import pickle
import weakref

import mesa

from sim import BorderModel, Migrant, load_config
from sim.core.mesa_compat import CountersByModel, release_models


def _mesa_counters() -> dict | None:
    """Mesa's per-model agent id counters where this Mesa has them (3.3, 3.4), else None."""
    return vars(mesa.Agent).get("_ids")


def test_models_built_and_run_one_after_another_are_all_freed():
    gc.collect()
    tables_before = len(copyreg.dispatch_table)
    counters = _mesa_counters()
    counted_before = len(counters) if counters is not None else 0  # other tests' models may be alive
    models = []
    for seed, days in itertools.product(range(4), (2, 3, 4)):  # 12 models, each stepped past midnight
        model = BorderModel(load_config([f"days={days}", f"seed={seed}", "progress=false"]))
        for _ in range(30):
            model.step()
        assert len(model.create_migrant_agents()) == model.people.n > 0  # people's agents made too
        models.append(weakref.ref(model))
        del model
    gc.collect()
    alive = [ref for ref in models if ref() is not None]
    assert not alive, f"{len(alive)} of {len(models)} models are still referenced"
    assert len(copyreg.dispatch_table) <= tables_before, "grids' cell classes stayed in copyreg's table"
    counters = _mesa_counters()  # read again: the first model built in a process swaps Mesa's dict
    if counters is not None:
        assert len(counters) <= counted_before, "Mesa's agent id counters kept entries of freed models"


def test_a_finished_model_is_freed_while_a_live_one_keeps_its_agent_ids():
    kept = BorderModel(load_config(["days=1", "progress=false"])).run(progress=False)
    gone = weakref.ref(BorderModel(load_config(["days=1", "progress=false"])).run(progress=False))
    gc.collect()
    assert gone() is None
    # agents are numbered 1, 2, ... per model in the order they were made, as Mesa numbers them
    ids = [agent.unique_id for agent in kept.agents]
    assert sorted(ids) == list(range(1, len(ids) + 1))
    before = len(ids)
    extra = Migrant(kept, 0)  # one more agent continues the live model's count
    assert extra.unique_id == before + 1


def test_release_models_keeps_mesas_counting_and_holds_models_weakly():
    class Owner:  # anything weak-referenceable stands for a model
        pass

    counters = CountersByModel(lambda: itertools.count(1))
    a, b = Owner(), Owner()
    assert [next(counters[a]), next(counters[a]), next(counters[b]), next(counters[a])] == [1, 2, 1, 3]
    gone = weakref.ref(b)
    del b
    gc.collect()
    assert gone() is None and len(counters) == 1
    # once swapped in, further calls change nothing; on Mesa >= 3.5 there is nothing to swap
    release_models()
    assert release_models() is False
    current = _mesa_counters()
    assert current is None or isinstance(current, CountersByModel)


def test_the_grid_of_a_live_model_still_pickles_its_cells(build_model):
    model = build_model("days=1")
    cell = next(iter(model.grid.all_cells))
    copy = pickle.loads(pickle.dumps(cell))
    assert copy.coordinate == cell.coordinate


def test_release_models_does_nothing_where_mesa_counts_in_the_model(monkeypatch):
    """Mesa >= 3.5 has no class-level `_ids` (the model counts its agents): nothing is added to Mesa."""
    monkeypatch.delattr(mesa.Agent, "_ids", raising=False)
    assert release_models() is False
    assert "_ids" not in vars(mesa.Agent)
