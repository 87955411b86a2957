"""Group comparisons: pass/fail by unit, and scores across several groups.

* :func:`chi_square_independence` - Pearson chi-square test of independence (no Yates
  correction) on a groups x outcomes table, with a caveat when an expected count
  is below 5, plus Fisher's exact test for 2 x 2 tables.
* :func:`kruskal_wallis` - Kruskal-Wallis H test, then every pair of groups with a
  two-sided Mann-Whitney U test, p-values corrected with Holm's step-down method.
* :func:`holm_adjust` - Holm (1979) adjusted p-values.

Results carry ``statistic``, ``p_value``, ``df`` and a ``caveat`` (empty when none);
values that cannot be computed are ``None`` with a ``reason``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from app.analytics.lazy import scipy_stats as _stats

SMALL_GROUP = 5


@dataclass(frozen=True)
class TestResult:
    """Outcome of one hypothesis test."""

    __test__ = False  # not a pytest test class, despite the name

    method: str
    statistic: float | None
    p_value: float | None
    df: float | None
    caveat: str = ""
    reason: str | None = None


@dataclass(frozen=True)
class ContingencyResult(TestResult):
    """Chi-square test of independence, with Fisher's exact p for a 2 x 2 table."""

    expected: tuple[tuple[float, ...], ...] = ()
    fisher_p_value: float | None = None


@dataclass(frozen=True)
class PairwiseResult:
    """Mann-Whitney U for one pair of groups, with the Holm-adjusted p-value."""

    group_a: str
    group_b: str
    statistic: float
    p_value: float
    p_holm: float


@dataclass(frozen=True)
class KruskalResult(TestResult):
    """Kruskal-Wallis H with the pairwise Mann-Whitney follow-up."""

    pairwise: tuple[PairwiseResult, ...] = ()


def holm_adjust(p_values: Sequence[float]) -> tuple[float, ...]:
    """Holm step-down adjusted p-values, in the input order.

    The i-th smallest p is multiplied by (m - i + 1), made non-decreasing along the
    sorted order and capped at 1. Reject a hypothesis at level a when its adjusted
    p is <= a. Raises ``ValueError`` for a p-value outside [0, 1].
    """
    p = np.asarray(p_values, dtype=float)
    if p.size and (np.isnan(p).any() or (p < 0).any() or (p > 1).any()):
        raise ValueError("p-values must be between 0 and 1")
    order = np.argsort(p, kind="stable")
    m = p.size
    scaled = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    adjusted = np.empty(m)
    adjusted[order] = scaled
    return tuple(float(x) for x in adjusted)


def chi_square_independence(table: Sequence[Sequence[int]] | np.ndarray) -> ContingencyResult:
    """Pearson chi-square test of independence on ``table[groups, outcomes]``.

    For pass/fail by unit, rows are units and the columns are (passed, failed). Rows
    with no observations are left out. Returns a :class:`ContingencyResult` with the
    expected counts, a caveat when any expected count is below 5, and Fisher's exact
    (two-sided) p-value when the table is 2 x 2. Not computable (``None`` + reason)
    with fewer than 2 non-empty rows or an outcome that never occurs.

    Raises ``ValueError`` for a non-2-D table or negative / non-integer counts.
    """
    counts = np.asarray(table, dtype=float)
    if counts.ndim != 2:
        raise ValueError("table must be 2-D [groups, outcomes]")
    if (counts < 0).any() or not np.equal(np.round(counts), counts).all():
        raise ValueError("counts must be non-negative integers")
    counts = counts[counts.sum(axis=1) > 0]
    method = "Pearson chi-square test of independence"
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        reason = "cần ít nhất 2 nhóm có dữ liệu và 2 kết quả (needs a 2 x 2 table at least)"
        return ContingencyResult(method, None, None, None, reason=reason)
    if (counts.sum(axis=0) == 0).any():
        reason = "có một kết quả không ai đạt được (an outcome column is all zero)"
        return ContingencyResult(method, None, None, None, reason=reason)
    chi2, p, dof, expected = _stats().chi2_contingency(counts, correction=False)
    caveat = ""
    if (expected < SMALL_GROUP).any():
        caveat = (
            "có tần số kỳ vọng < 5, kết quả chi-square có thể không chính xác "
            "(some expected counts are below 5; the chi-square approximation may be poor"
            + ("; use Fisher's exact p)" if counts.shape == (2, 2) else ")")
        )
    fisher = None
    if counts.shape == (2, 2):
        fisher = float(_stats().fisher_exact(counts.astype(int)).pvalue)
    return ContingencyResult(
        method,
        float(chi2),
        float(p),
        float(dof),
        caveat,
        expected=tuple(tuple(float(v) for v in row) for row in expected),
        fisher_p_value=fisher,
    )


def _clean_groups(groups: Mapping[str, Sequence[float]]) -> dict[str, np.ndarray]:
    cleaned = {}
    for name, values in groups.items():
        data = np.asarray(values, dtype=float).ravel()
        data = data[~np.isnan(data)]
        if data.size:
            cleaned[str(name)] = data
    return cleaned


def _pairwise(groups: dict[str, np.ndarray]) -> tuple[PairwiseResult, ...]:
    pairs = list(combinations(groups, 2))
    raw = [_mann_whitney(groups[a], groups[b]) for a, b in pairs]
    adjusted = holm_adjust([p for _, p in raw])
    return tuple(
        PairwiseResult(a, b, u, p, adj)
        for (a, b), (u, p), adj in zip(pairs, raw, adjusted, strict=True)
    )


def _mann_whitney(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Two-sided Mann-Whitney U; two groups of one identical value give U = n1*n2/2, p = 1."""
    if np.ptp(np.concatenate([x, y])) == 0:
        return x.size * y.size / 2.0, 1.0
    result = _stats().mannwhitneyu(x, y, alternative="two-sided")
    return float(result.statistic), float(result.pvalue)


def kruskal_wallis(groups: Mapping[str, Sequence[float]]) -> KruskalResult:
    """Kruskal-Wallis H across groups, then pairwise Mann-Whitney U with Holm correction.

    ``groups`` maps a group name to its scores (NaN ignored; empty groups left out).
    Returns a :class:`KruskalResult` (H with tie correction, chi-square p on k - 1 df)
    whose ``pairwise`` holds every pair in input order. The caveat notes groups with
    fewer than 5 values. Not computable with fewer than 2 non-empty groups or when
    every value is identical.
    """
    data = _clean_groups(groups)
    method = "Kruskal-Wallis H test"
    if len(data) < 2:
        reason = "cần ít nhất 2 nhóm có dữ liệu (needs at least 2 non-empty groups)"
        return KruskalResult(method, None, None, None, reason=reason)
    pooled = np.concatenate(list(data.values()))
    if np.ptp(pooled) == 0:
        reason = "mọi giá trị đều bằng nhau (all values are identical)"
        return KruskalResult(method, None, None, None, reason=reason)
    h, p = _stats().kruskal(*data.values())
    small = [name for name, values in data.items() if values.size < SMALL_GROUP]
    caveat = ""
    if small:
        caveat = (
            f"nhóm có dưới {SMALL_GROUP} giá trị: {', '.join(small)}; p-value xấp xỉ kém tin "
            f"cậy (groups with fewer than {SMALL_GROUP} values; the chi-square approximation "
            "may be poor)"
        )
    return KruskalResult(
        method, float(h), float(p), float(len(data) - 1), caveat, pairwise=_pairwise(data)
    )
