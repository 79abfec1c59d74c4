"""`sim.inference.simulate.quiet_model`: a command that runs many models says the model's warning about dated
inputs outside a short run once, not once per run, in its own process and in the functions its worker processes
run; a model built directly still warns."""

from __future__ import annotations

import numpy as np
import pytest

from sim import BorderModel, load_config
from sim.inference import calibrate as cal
from sim.inference import predictive as pp
from sim.inference import sensitivity as sens
from sim.inference.simulate import quiet_model, shared_simulator

#: autumn2021 starts on 1 June: five days end before its fences, pushbacks and repatriations, so the model warns.
SHORT = ("days=5",)
WARNING = "dated inputs outside"


def warnings_said(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if WARNING in r.getMessage()]


def test_a_model_built_directly_warns_and_does_again_after_a_quiet_block(caplog):
    cfg = load_config(["scenario=autumn2021", *SHORT, "progress=false"])
    BorderModel(cfg)
    assert len(warnings_said(caplog)) == 1
    with quiet_model():
        BorderModel(cfg)
    assert len(warnings_said(caplog)) == 1
    BorderModel(cfg)
    assert len(warnings_said(caplog)) == 2


WORKERS = {
    # what a fresh worker process runs (loky for the predictive check and the sensitivity analysis, Dask for a
    # calibration): nothing enclosing has silenced the model there
    "predictive": lambda: pp._one("autumn2021", SHORT, pp.USES, {}, 0),
    "sensitivity": lambda: sens.run_points("autumn2021", SHORT, (), np.empty((1, 0)), 2, np.array([0])),
    "calibration": lambda: cal.Model(shared_simulator("autumn2021", SHORT, ("fit",)), ())({}),
}


@pytest.mark.parametrize("worker", list(WORKERS))
def test_the_runs_of_a_worker_process_are_quiet(caplog, worker):
    WORKERS[worker]()
    assert warnings_said(caplog) == []
    BorderModel(load_config(["scenario=autumn2021", *SHORT, "progress=false"]))  # silenced only while it ran
    assert len(warnings_said(caplog)) == 1


def test_the_predictive_check_says_the_warning_once_for_all_its_runs(caplog):
    pp.posterior_predictive(None, "autumn2021", n_draws=1, seeds=3, overrides=SHORT, jobs=1)
    said = warnings_said(caplog)
    assert len(said) == 1, said  # three runs, one line
    assert "said once here, not by each run" in said[0] and "fence.rules[0].build from 2021-08-26" in said[0]
    with quiet_model():  # inside a command that has said it already: nothing more
        pp.posterior_predictive(None, "autumn2021", n_draws=1, seeds=1, overrides=SHORT, jobs=1)
    assert len(warnings_said(caplog)) == 1
