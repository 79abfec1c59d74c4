"""Work arrays that the hourly phases hand to compiled passes to fill, instead of passes returning new arrays.

Why: a compiled function that returns an array pays ~0.4 µs to hand it back to Python (numba's boxing, an
unpickle of numpy's array type among it), ~85,000 times a season; filling an array the caller keeps and returning
how many it filled costs a slice. A component keeps its work arrays and grows them here when the people (or
patrols) outgrow them; what the passes return is a view of them, good until the component's next call of that
pass (the hour's phases use it within the hour).
"""

from __future__ import annotations

import numpy as np


def room(work: np.ndarray, size: int) -> np.ndarray:
    """`work` if its last axis holds `size` items, else a new array of its shape and dtype, the last axis at least
    twice as long (contents undefined: the passes write before they read)."""
    if work.shape[-1] >= size:
        return work
    return np.empty((*work.shape[:-1], max(size, 2 * work.shape[-1], 64)), dtype=work.dtype)
