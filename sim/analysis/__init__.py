"""Reading results: statistics over seeds (`stats.py`), figures (`plots.py`) and the sweep report (`report.py`,
`python -m sim.report`)."""
