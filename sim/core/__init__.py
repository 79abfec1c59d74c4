"""The model core: the Mesa model of the border, its components and their compiled kernels.

`model.py` is the schedule (`BorderModel.step`: the hourly order); each component owns its state and its rules:
`border.py` (the grid and the fence segments), `arrivals.py` (flights and camps), `population.py` and
`migrants.py` (people as arrays, and what they do; `transitions.py` its compiled hourly loops), `escorts.py`
(Belarusian escort units), `guards/` (patrols, response, apprehension, interception), `policy.py`, `exposure.py`,
`ledger.py` (the books) with `observation.py` (what each authority counts), and `tables.py`/`summary.py` (results
read from a narrow view). `agents.py` holds the Mesa agents (views onto the arrays), `states.py` their states,
`rng.py` the named random streams, `jit.py` numba and its cache, `mesa_compat.py` what Mesa versions differ in.

The core imports only `sim.config` below it: never Hydra, files, plotting or the analysis layer.
"""
