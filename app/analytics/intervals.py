"""Confidence intervals, Cronbach's alpha and sample-size checks.

* Wilson score interval for a proportion (Wilson 1927; Newcombe 1998, method 3).
* Student t interval for a mean.
* "Credibly below / above a threshold" helpers built on the Wilson bounds.
* Cronbach's alpha for any items matrix (survey factors, test items).

Nothing here returns NaN: a value that cannot be computed is ``None`` and the
dataclass carries a ``reason`` (Vietnamese, then English in parentheses).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.analytics.lazy import scipy_stats

DEFAULT_MIN_N = 30


@dataclass(frozen=True)
class Interval:
    """A point estimate with a two-sided confidence interval.

    ``estimate``, ``lower`` and ``upper`` are ``None`` together with a ``reason``
    when they cannot be computed.
    """

    estimate: float | None
    lower: float | None
    upper: float | None
    n: int
    confidence: float
    reason: str | None = None


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha on the complete rows of an items matrix.

    ``n`` counts the rows used, ``n_dropped`` the rows left out because a value
    was missing (NaN). ``alpha`` may be negative: it is never clipped.
    """

    alpha: float | None
    n: int
    n_items: int
    n_dropped: int
    reason: str | None = None


@functools.lru_cache(maxsize=16)
def _z(confidence: float) -> float:
    _check_confidence(confidence)
    return float(scipy_stats().norm.ppf(0.5 + confidence / 2.0))


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for ``successes`` out of ``n`` (no continuity correction).

    Returns an :class:`Interval` whose estimate is ``successes / n``. With ``n == 0``
    every value is ``None`` with a reason. At 0/n the lower bound is exactly 0 and
    at n/n the upper bound is exactly 1 (the exact values of the formula there).

    Raises ``ValueError`` if counts are negative, ``successes > n`` or the
    confidence level is not in (0, 1).
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    z = _z(confidence)
    if n == 0:
        return Interval(
            None, None, None, 0, confidence, "không có quan sát nào (no observations, n = 0)"
        )
    p = successes / n
    z2 = z * z
    centre = 2 * n * p + z2
    spread = z * math.sqrt(z2 + 4 * n * p * (1 - p))
    denominator = 2 * (n + z2)
    lower = 0.0 if successes == 0 else (centre - spread) / denominator
    upper = 1.0 if successes == n else (centre + spread) / denominator
    return Interval(p, lower, upper, n, confidence)


def t_interval(values: Sequence[float] | np.ndarray, confidence: float = 0.95) -> Interval:
    """Student t interval for the mean of ``values`` (NaN values are ignored).

    Returns an :class:`Interval` around the sample mean using the sample SD
    (divisor n - 1). Fewer than 2 values gives ``None`` bounds with a reason.

    Raises ``ValueError`` if the confidence level is not in (0, 1).
    """
    _check_confidence(confidence)
    data = np.asarray(values, dtype=float).ravel()
    data = data[~np.isnan(data)]
    n = int(data.size)
    if n == 0:
        return Interval(None, None, None, 0, confidence, "không có giá trị nào (no values)")
    mean = float(data.mean())
    if n < 2:
        reason = "cần ít nhất 2 giá trị (needs at least 2 values for a t interval)"
        return Interval(mean, None, None, n, confidence, reason)
    t = float(scipy_stats().t.ppf(0.5 + confidence / 2.0, n - 1))
    half = t * float(data.std(ddof=1)) / n**0.5
    return Interval(mean, mean - half, mean + half, n, confidence)


def is_reliable_n(n: int, min_n: int = DEFAULT_MIN_N) -> bool:
    """Return True when a sample of ``n`` is large enough to report (``n >= min_n``)."""
    return n >= min_n


def credibly_below(
    successes: int,
    n: int,
    threshold: float,
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
) -> bool:
    """Return True only if the Wilson upper bound is below ``threshold`` and ``n >= min_n``.

    Used for statements such as "satisfaction is credibly below 80 %": a small
    sample or an interval reaching the threshold gives False.

    Raises ``ValueError`` as :func:`wilson_interval` does.
    """
    interval = wilson_interval(successes, n, confidence)
    if not is_reliable_n(n, min_n) or interval.upper is None:
        return False
    return interval.upper < threshold


def credibly_above(
    successes: int,
    n: int,
    threshold: float,
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
) -> bool:
    """Return True only if the Wilson lower bound is above ``threshold`` and ``n >= min_n``.

    Raises ``ValueError`` as :func:`wilson_interval` does.
    """
    interval = wilson_interval(successes, n, confidence)
    if not is_reliable_n(n, min_n) or interval.lower is None:
        return False
    return interval.lower > threshold


def cronbach_alpha(items: Sequence[Sequence[float]] | np.ndarray) -> AlphaResult:
    """Cronbach's alpha of a matrix ``items[n_respondents, n_items]``.

    alpha = k / (k - 1) * (1 - sum(item variances) / variance(total)), variances with
    divisor n - 1, on the rows with no NaN. For 0/1 items this equals KR-20.
    Returns ``None`` with a reason for fewer than 2 items, fewer than 2 complete
    rows, or a total score with zero variance.

    Raises ``ValueError`` if ``items`` is not two-dimensional.
    """
    data = np.asarray(items, dtype=float)
    if data.ndim != 2:
        raise ValueError(f"items must be a 2-D array, got {data.ndim} dimension(s)")
    complete = data[~np.isnan(data).any(axis=1)]
    n, k = complete.shape
    dropped = data.shape[0] - n
    if k < 2:
        reason = f"cần ít nhất 2 câu hỏi, có {k} (needs at least 2 items)"
        return AlphaResult(None, n, k, dropped, reason)
    if n < 2:
        reason = f"cần ít nhất 2 dòng đủ dữ liệu, có {n} (needs at least 2 complete rows)"
        return AlphaResult(None, n, k, dropped, reason)
    total_variance = float(complete.sum(axis=1).var(ddof=1))
    if total_variance == 0.0:
        reason = "tổng điểm không thay đổi (total score has zero variance)"
        return AlphaResult(None, n, k, dropped, reason)
    item_variance = float(complete.var(axis=0, ddof=1).sum())
    alpha = k / (k - 1) * (1.0 - item_variance / total_variance)
    return AlphaResult(alpha, n, k, dropped)
