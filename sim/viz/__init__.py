"""Looking at a model: the border map (`border_map.py`, for notebooks and the app) and the SolaraViz app
(`app.py`, `make viz`)."""

from sim.viz.border_map import clock, draw_border_map, patrols_per_km

__all__ = ["clock", "draw_border_map", "patrols_per_km"]
