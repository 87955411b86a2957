"""Krippendorff's alpha via the coincidence matrix (Krippendorff 2011).

K. Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": pairable values
are those in units with at least two ratings; o_ck counts c-k pairs within a unit,
weighted 1 / (m_u - 1); alpha = 1 - D_o / D_e with D_o = sum o_ck d2_ck / n and
D_e = sum n_c n_k d2_ck / (n (n - 1)). Difference functions: nominal (0/1), ordinal
((sum of n_g from c to k) - (n_c + n_k) / 2)^2 and interval (c - k)^2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Level = Literal["nominal", "ordinal", "interval"]


@dataclass(frozen=True)
class KrippendorffResult:
    """Krippendorff's alpha at one level of measurement."""

    level: str
    alpha: float | None
    n_units: int
    n_pairable: int
    observed_disagreement: float | None
    expected_disagreement: float | None
    reason: str | None = None


def as_ratings_matrix(ratings: np.ndarray | Sequence[Sequence[float | None]]) -> np.ndarray:
    """Ratings as a float matrix with NaN for missing; ``None`` cells become NaN.

    Raises ``ValueError`` for a non-2-D array or infinite values.
    """
    data = np.array(
        [[np.nan if v is None else v for v in row] for row in ratings]
        if not isinstance(ratings, np.ndarray)
        else ratings,
        dtype=float,
    )
    if data.ndim != 2:
        raise ValueError(f"ratings must be a 2-D array [targets, raters], got {data.ndim}-D")
    if np.isinf(data).any():
        raise ValueError("ratings must be finite numbers or NaN for missing")
    return data


def few_raters_reason(k: int) -> str:
    """The reason given when fewer than two raters are present."""
    return f"không tính được: chỉ có {k} người chấm (needs at least 2 raters)"


def _delta2(values: np.ndarray, totals: np.ndarray, level: Level) -> np.ndarray:
    """Squared difference function between the sorted distinct values."""
    if level == "nominal":
        return 1.0 - np.eye(values.size)
    if level == "interval":
        return (values[:, None] - values[None, :]) ** 2
    if level == "ordinal":
        cumulative = np.concatenate(([0.0], np.cumsum(totals)))
        i, j = np.meshgrid(np.arange(values.size), np.arange(values.size), indexing="ij")
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        between = cumulative[hi + 1] - cumulative[lo]
        return (between - (totals[i] + totals[j]) / 2.0) ** 2
    raise ValueError(f"unknown level of measurement {level!r}")


def _coincidences(data: np.ndarray) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Distinct values, coincidence matrix o_ck, pairable units and pairable values."""
    values = np.unique(data[~np.isnan(data)])
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((values.size, values.size))
    pairable_units = pairable_values = 0
    for row in data:
        present = row[~np.isnan(row)]
        m = present.size
        if m < 2:
            continue
        pairable_units += 1
        pairable_values += m
        counts = np.zeros(values.size)
        for v in present:
            counts[index[v]] += 1
        o += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    return values, o, pairable_units, pairable_values


def krippendorff_alpha(
    ratings: np.ndarray | Sequence[Sequence[float | None]], level: Level = "interval"
) -> KrippendorffResult:
    """Krippendorff's alpha = 1 - D_o / D_e via the coincidence matrix.

    ``ratings[n_units, n_raters]`` with NaN/None for missing; units with fewer than two
    ratings are not pairable and are ignored. Returns a :class:`KrippendorffResult`;
    alpha is ``None`` with a reason for fewer than 2 raters, no pairable values or
    no variation at all (a single value used).

    Raises ``ValueError`` for a non-2-D array, infinite values or an unknown level.
    """
    if level not in ("nominal", "ordinal", "interval"):
        raise ValueError(f"unknown level of measurement {level!r}")
    data = as_ratings_matrix(ratings)
    if data.shape[1] < 2:
        return KrippendorffResult(level, None, 0, 0, None, None, few_raters_reason(data.shape[1]))
    values, o, units, pairable = _coincidences(data)
    totals = o.sum(axis=1)
    n = float(totals.sum())
    if pairable < 2:
        reason = "không tính được: không có cặp điểm nào để so (no pairable values)"
        return KrippendorffResult(level, None, units, pairable, None, None, reason)
    delta = _delta2(values, totals, level)
    observed = float((o * delta).sum() / n)
    expected = float((np.outer(totals, totals) * delta).sum() / (n * (n - 1)))
    if expected == 0:
        reason = "không tính được: mọi điểm đều như nhau (all values identical, no variation)"
        return KrippendorffResult(level, None, units, pairable, observed, expected, reason)
    return KrippendorffResult(level, 1.0 - observed / expected, units, pairable, observed, expected)
