"""The command line and sweep tooling: a run or sweep (`run.py`, `python -m sim.run`), output safety
(`output_guard.py`: run directories, sweep locks; `outputs.py`: what a finished run holds; `io.py`: atomic
writes), and the summary tables of a sweep (`aggregate.py`, `python -m sim.aggregate`). The Hydra sweeper that
validates every job first is `hydra_plugins/borderflow_sweeper` (Hydra finds plugins only there)."""
