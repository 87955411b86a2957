"""Never NaN, never a crash: random small matrices through every statistic."""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Iterator

import numpy as np
import pytest

from app.analytics.compare import chi_square_independence, kruskal_wallis
from app.analytics.intervals import cronbach_alpha, t_interval
from app.analytics.items import analyse_items
from app.analytics.reliability import icc, krippendorff_alpha


def floats(obj: object) -> Iterator[float]:
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from floats(getattr(obj, f.name))
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from floats(value)
    elif isinstance(obj, list | tuple):
        for value in obj:
            yield from floats(value)
    elif isinstance(obj, float):
        yield obj


@pytest.mark.parametrize("seed", range(4))
def test_random_small_matrices_give_finite_numbers_or_none(seed: int) -> None:
    rng = np.random.default_rng(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy/scipy warnings would mean a NaN slipped in
        for _ in range(150):
            n, k = int(rng.integers(0, 7)), int(rng.integers(1, 5))
            m = rng.choice([0, 0.5, 1, 2, 3], size=(n, k)).astype(float)
            if rng.random() < 0.5:
                m[rng.random((n, k)) < 0.3] = np.nan
            results = [
                analyse_items(m, 3),
                icc(m),
                cronbach_alpha(m),
                t_interval(m.ravel()),
                kruskal_wallis({str(j): m[:, j] for j in range(k)}),
                chi_square_independence(rng.integers(0, 5, size=(2, 3))),
                *(krippendorff_alpha(m, lv) for lv in ("nominal", "ordinal", "interval")),
            ]
            for result in results:
                assert all(math.isfinite(x) for x in floats(result)), (m, result)
