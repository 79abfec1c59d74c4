"""Simulation-based inference: the model against the record.

`parameters` names the assumption parameters with their prior ranges, `targets` reads the sourced figures the
model is fitted to or checked against and measures them in a run, `simulate` runs the model in this process for
one parameter set and seed. The commands `python -m sim.sensitivity`, `sim.calibrate` and `sim.validate` are built
on these. This layer sits above `sim.analysis` (it reuses its plots and the record's reading) and below `sim.viz`.
"""
