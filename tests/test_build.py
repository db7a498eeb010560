"""The build switch: GROGGY_BOUNDSCHECK=1 builds kernels that check every index."""
import os

import numpy as np
import pytest

from groggy._core import _graph


@pytest.mark.skipif(os.environ.get("GROGGY_BOUNDSCHECK") != "1",
                    reason="only meaningful against the bounds-checked build")
def test_checked_build_raises_on_out_of_range_index():
    out = np.zeros(3, dtype=np.int64)
    with pytest.raises(IndexError):
        _graph.degree_count(np.array([5], dtype=np.int64), out)


def test_public_wrapper_rejects_out_of_range_in_any_build():
    from groggy import kernels
    with pytest.raises(ValueError, match="not a node id"):
        kernels.degree(np.array([5]), np.array([0]), 3)
