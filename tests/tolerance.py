"""Comparing what two different code paths computed: whole numbers exactly, floats to a tight relative tolerance.

Two code paths that do "the same arithmetic" need not round the same way: numpy picks SIMD kernels by CPU (on a
machine with AVX-512, `array ** array` differs from scalar `**` in the last bit of ~5% of values), compilers may
fuse a multiply and an add, and a reduction may add in another order. So a fast path checked against the code it
replaced, or a run on one CPU target against a run on another, is compared with `FLOAT_RTOL`; counts, states,
ids and timers (integers, booleans, strings) must still match exactly. Exact equality of floats is kept only where
one code path produced both sides (the same run twice, a hash saved from the same code on the same machine).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Relative tolerance for floats from two code paths: a few hundred ulps, far below any modelled quantity.
FLOAT_RTOL = 1e-12


def assert_same_values(actual: np.ndarray, expected: np.ndarray, err_msg: str = "") -> None:
    """Arrays of equal shape and kind: floats equal to `FLOAT_RTOL` (NaN where NaN), anything else exactly.

    Raises AssertionError naming `err_msg` and the differing elements.
    """
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{err_msg}: shape {actual.shape} != {expected.shape}"
    floats = np.issubdtype(actual.dtype, np.floating), np.issubdtype(expected.dtype, np.floating)
    assert floats[0] == floats[1], f"{err_msg}: dtype {actual.dtype} against {expected.dtype}"
    if floats[0]:
        np.testing.assert_allclose(actual, expected, rtol=FLOAT_RTOL, atol=0.0, equal_nan=True, err_msg=err_msg)
    else:
        np.testing.assert_array_equal(actual, expected, err_msg=err_msg)


def assert_same_tables(actual: pd.DataFrame, expected: pd.DataFrame, name: str = "") -> None:
    """Same columns, dtypes and index; float columns to `FLOAT_RTOL`, every other column exactly."""
    assert list(actual.columns) == list(expected.columns), name
    pd.testing.assert_series_equal(actual.dtypes, expected.dtypes, obj=f"{name} dtypes")
    pd.testing.assert_index_equal(actual.index, expected.index, obj=f"{name} index")
    for column in actual.columns:
        assert_same_values(actual[column].to_numpy(), expected[column].to_numpy(), err_msg=f"{name}.{column}")
