"""Whole-test statistics of item analysis, as Moodle's quiz calculator computes them.

Mean, median, SD, skewness k3/k2^1.5 and excess kurtosis k4/k2^2 (sample k-statistics) of
the total marks; the coefficient of internal consistency (Cronbach's alpha, KR-20 for 0/1
items), error ratio sqrt(1 - CIC) and standard error = error ratio x SD. Variances divide
by n - 1. Also the checked marks matrix both these and the per-item statistics of
:mod:`app.analytics.items` read, with its item variances computed once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from app.analytics.intervals import cronbach_alpha
from app.analytics.item_matrix import ColumnMoments, column_moments


@dataclass(frozen=True)
class TestStats:
    """Whole-test statistics (mean, median, sd, standard error in marks)."""

    __test__ = False  # not a pytest test class, despite the name

    n: int
    n_items: int
    max_total: float
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    alpha: float | None
    error_ratio: float | None
    standard_error: float | None
    reasons: dict[str, str] = field(default_factory=dict)


def covariance(x: np.ndarray, y: np.ndarray) -> float:
    """Sample covariance (divisor n - 1) of two arrays of the same length (at least 2)."""
    return float(((x - x.mean()) * (y - y.mean())).sum() / (x.size - 1))


class Marks(NamedTuple):
    """A checked marks matrix with what every statistic reads: the totals, the item
    variances (divisor n - 1) and, from 2 examinees on, every item's moments against the
    rest of the test (computed once, in one pass)."""

    data: np.ndarray
    total: np.ndarray
    variances: np.ndarray
    moments: ColumnMoments | None


def marks_matrix(data: np.ndarray) -> Marks:
    """``data[examinees, items]`` (checked, no NaN) with its totals, variances and
    moments."""
    n = data.shape[0]
    total = data.sum(axis=1)
    if n < 2:
        return Marks(data, total, np.full(data.shape[1], np.nan), None)
    moments = column_moments(data, total)
    return Marks(data, total, moments.var, moments)


def _moments(total: np.ndarray) -> tuple[dict[str, float | None], dict[str, str]]:
    """SD, skewness and kurtosis exactly as Moodle's quiz calculator computes them."""
    s = total.size
    out: dict[str, float | None] = {"sd": None, "skewness": None, "kurtosis": None}
    reasons: dict[str, str] = {}
    if s == 0:
        return out, dict.fromkeys(out, "không có bài làm nào (no examinees)")
    d = total - total.mean()
    if s > 1:
        out["sd"] = float((d**2).sum() / (s - 1)) ** 0.5
    m2, m3, m4 = ((d**p).sum() / s for p in (2, 3, 4))
    k2 = s * m2 / (s - 1) if s > 1 else 0.0
    if s > 2 and k2 != 0:
        out["skewness"] = float(s * s * m3 / ((s - 1) * (s - 2)) / k2**1.5)
    if s > 3 and k2 != 0:
        k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
        out["kurtosis"] = float(k4 / (k2 * k2))
    for key, minimum in (("sd", 2), ("skewness", 3), ("kurtosis", 4)):
        if out[key] is None:
            reasons[key] = (
                f"cần ít nhất {minimum} bài làm (needs at least {minimum} examinees)"
                if s < minimum
                else "tổng điểm không thay đổi (total score has zero variance)"
            )
    return out, reasons


def _alpha(marks: Marks) -> tuple[float | None, str | None]:
    """Cronbach's alpha (KR-20 for 0/1 items) from the item variances already known; the
    cases without one go to :func:`cronbach_alpha` for its reason."""
    n, k = marks.data.shape
    if n >= 2 and k >= 2:
        total_variance = covariance(marks.total, marks.total)
        if total_variance != 0.0:
            return k / (k - 1) * (1.0 - float(marks.variances.sum()) / total_variance), None
    result = cronbach_alpha(marks.data)
    return result.alpha, result.reason


def _reliability(marks: Marks, sd: float | None) -> tuple[dict[str, float | None], dict]:
    """CIC, error ratio and standard error; Moodle computes them from 3 attempts and 2 items."""
    out: dict[str, float | None] = {"alpha": None, "error_ratio": None, "standard_error": None}
    reason = None
    if marks.data.shape[0] < 3:
        reason = "cần ít nhất 3 bài làm như Moodle (Moodle needs at least 3 attempts)"
    else:
        out["alpha"], reason = _alpha(marks)
    if out["alpha"] is not None:
        out["error_ratio"] = max(0.0, 1.0 - out["alpha"]) ** 0.5
        out["standard_error"] = out["error_ratio"] * sd if sd is not None else None
    return out, {key: reason for key, value in out.items() if value is None and reason}


def whole_test_stats(marks: Marks, maxes: np.ndarray) -> TestStats:
    total = marks.total
    n, k = marks.data.shape
    reasons: dict[str, str] = {}
    mean = float(total.mean()) if n else None
    median = float(np.median(total)) if n else None
    if not n:
        reasons["mean"] = reasons["median"] = "không có bài làm nào (no examinees)"
    moments, moment_reasons = _moments(total)
    reliability, reliability_reasons = _reliability(marks, moments.get("sd"))
    reasons.update(moment_reasons)
    reasons.update(reliability_reasons)
    return TestStats(
        n=n,
        n_items=k,
        max_total=float(maxes.sum()),
        mean=mean,
        median=median,
        sd=moments.get("sd"),
        skewness=moments.get("skewness"),
        kurtosis=moments.get("kurtosis"),
        reasons=reasons,
        **reliability,
    )
