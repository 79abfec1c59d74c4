"""The pair plot of a calibration (`sim.inference.calibration_plots.pairs`) stays a small file: one triangle of
panels, stored with a palette."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PIL import Image

from sim.inference import calibration_plots as plots
from sim.inference.calibrate import FITTED_2021
from sim.inference.parameters import parameters

#: The shipped calibration's eight parameters (calibration/calibrated/summary.json).
KEYS = FITTED_2021


def test_the_pair_plot_of_eight_parameters_is_a_palette_png_well_under_200_kb(tmp_path):
    rng = np.random.default_rng(0)
    params = parameters(KEYS)
    post = pd.DataFrame({p.key: p.from_unit(rng.uniform(size=1000)) for p in params})
    post["weight"] = rng.dirichlet(np.ones(len(post)))
    path = plots.pairs(post, params, tmp_path / "pairs.png")
    with Image.open(path) as image:
        assert image.mode == "P" and len(image.getcolors(256) or []) > 2  # a palette, and something drawn
        width, height = image.size
    assert 800 < width < 1600 and 800 < height < 1600
    assert path.stat().st_size < 150_000, path.stat().st_size
