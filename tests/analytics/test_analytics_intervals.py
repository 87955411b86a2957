"""Wilson and t intervals, Cronbach's alpha, sample-size helpers."""

from __future__ import annotations

import numpy as np
import pytest

from app.analytics.intervals import (
    credibly_above,
    credibly_below,
    cronbach_alpha,
    is_reliable_n,
    t_interval,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("successes", "n", "lower", "upper"),
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion:
    # comparison of seven methods", Statistics in Medicine 17:857-872, Table II,
    # method 3 (Wilson score interval without continuity correction).
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe(successes: int, n: int, lower: float, upper: float) -> None:
    interval = wilson_interval(successes, n)
    assert interval.lower == pytest.approx(lower, abs=5e-5)
    assert interval.upper == pytest.approx(upper, abs=5e-5)
    assert interval.estimate == pytest.approx(successes / n)


def test_wilson_edges_are_exact() -> None:
    none = wilson_interval(0, 20)
    everyone = wilson_interval(20, 20)
    assert none.lower == 0.0 and 0 < none.upper < 1
    assert everyone.upper == 1.0
    # Symmetry: n/n mirrors 0/n.
    assert everyone.lower == pytest.approx(1 - none.upper)


def test_wilson_empty_sample_is_none_with_reason() -> None:
    interval = wilson_interval(0, 0)
    assert interval.estimate is None and interval.lower is None and interval.reason


@pytest.mark.parametrize(
    ("successes", "n", "confidence"), [(-1, 5, 0.95), (6, 5, 0.95), (1, 5, 1.5)]
)
def test_wilson_rejects_bad_input(successes: int, n: int, confidence: float) -> None:
    with pytest.raises(ValueError):
        wilson_interval(successes, n, confidence)


def test_wilson_confidence_level_uses_normal_quantile() -> None:
    # z = 2.5758 for 99 %: wider than the 95 % interval.
    assert wilson_interval(81, 263, 0.99).lower < wilson_interval(81, 263).lower


def test_t_interval_by_hand() -> None:
    # values 1..5: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.776445 (standard t table)
    interval = t_interval([1, 2, 3, 4, 5])
    half = 2.776445 * np.sqrt(2.5) / np.sqrt(5)
    assert interval.estimate == pytest.approx(3.0)
    assert interval.lower == pytest.approx(3 - half, abs=1e-5)
    assert interval.upper == pytest.approx(3 + half, abs=1e-5)


def test_t_interval_too_small() -> None:
    single = t_interval([4.0, np.nan])
    assert single.estimate == 4.0 and single.lower is None and single.reason
    assert t_interval([]).estimate is None


def test_credibly_below_needs_upper_bound_and_sample_size() -> None:
    # 81/263: upper bound 0.3662 (Newcombe 1998)
    assert credibly_below(81, 263, threshold=0.40)
    assert not credibly_below(81, 263, threshold=0.36)
    assert not credibly_below(2, 20, threshold=0.9)  # n < 30
    assert credibly_below(2, 20, threshold=0.9, min_n=20)
    assert not credibly_below(0, 0, threshold=0.5, min_n=0)
    assert credibly_above(81, 263, threshold=0.25)
    assert not credibly_above(81, 263, threshold=0.26)


def test_is_reliable_n() -> None:
    assert is_reliable_n(30) and not is_reliable_n(29)
    assert is_reliable_n(5, min_n=5)


def test_cronbach_alpha_kr20_by_hand() -> None:
    # 0/1 items 1,1,1 / 1,1,0 / 1,0,0 / 0,0,0: KR-20 = 3/2 * (1 - (5/6)/(5/3)) = 0.75
    # (item variances 1/4, 1/3, 1/4 and total-score variance 5/3, divisor n - 1).
    result = cronbach_alpha([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]])
    assert result.alpha == pytest.approx(0.75)
    assert (result.n, result.n_items, result.n_dropped) == (4, 3, 0)


def test_cronbach_alpha_drops_incomplete_rows_and_keeps_negative_values() -> None:
    result = cronbach_alpha([[1, 0], [0, 1], [1, 1], [np.nan, 1]])
    assert result.alpha == pytest.approx(-2.0)  # see test_negative_alpha_by_hand
    assert result.n_dropped == 1


@pytest.mark.parametrize(
    "items",
    [[[1], [2], [3]], [[1, 2]], [[2, 2], [2, 2], [2, 2]], [[1, np.nan], [np.nan, 1]]],
)
def test_cronbach_alpha_not_computable(items: list) -> None:
    result = cronbach_alpha(items)
    assert result.alpha is None and result.reason


def test_cronbach_alpha_rejects_1d() -> None:
    with pytest.raises(ValueError):
        cronbach_alpha([1, 2, 3])
