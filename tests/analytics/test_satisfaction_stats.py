"""Satisfaction statistics from counts: published and hand-computed values."""

from __future__ import annotations

import pytest

from app.analytics.satisfaction_stats import (
    SEED_INDICATORS,
    compare_levels,
    factor_indices,
    overall_index,
    satisfied_share,
    scale_summary,
    seed_result,
    share_of,
)


def test_share_has_the_wilson_interval_of_newcombe_1998() -> None:
    # Newcombe (1998), Stat Med 17:857, Table I, example (c): 81/263 -> 0.2553 to 0.3662.
    ci, reliable = share_of(81, 263)
    assert (round(ci.lower, 4), round(ci.upper, 4)) == (0.2553, 0.3662)
    assert reliable


def test_scale_summary_by_hand() -> None:
    # Levels 1,2,3,3,4,4,4,5,5,5: satisfied (4-5) = 6/10; mean = 36/10 = 3.6;
    # squared deviations 6.76+2.56+0.36+0.36+3*0.16+3*1.96 = 16.4, s^2 = 16.4/9 = 1.8222,
    # s = 1.34990; t(0.975, 9) = 2.262157; half width = 2.262157 * 1.34990 / sqrt(10) = 0.96566.
    s = scale_summary({1: 1, 2: 1, 3: 2, 4: 3, 5: 3, 9: 4})  # a stray value is ignored
    assert s.n == 10 and s.counts == (1, 1, 2, 3, 3)
    assert s.satisfied.estimate == pytest.approx(0.6)
    assert s.mean.estimate == pytest.approx(3.6)
    assert s.mean.lower == pytest.approx(3.6 - 0.96566, abs=1e-5)
    assert s.mean.upper == pytest.approx(3.6 + 0.96566, abs=1e-5)
    assert not s.reliable  # n = 10 < 30
    assert s.average == pytest.approx(3.6)
    assert scale_summary({5: 1}, with_mean=False).mean is None


def test_factor_and_overall_index_by_hand() -> None:
    # A: items 8/10 and 6/10 satisfied -> (80 + 60) / 2 = 70; B: 9/10 -> 90;
    # an unanswered A item is left out of the mean; overall = (70 + 90) / 2 = 80.
    items = {
        "a1": ("A", *satisfied_share({5: 8, 1: 2})),
        "a2": ("A", *satisfied_share({4: 6, 3: 4})),
        "a3": ("A", *satisfied_share({})),
        "b1": ("B", *satisfied_share({4: 9, 2: 1})),
    }
    assert items["a1"] == ("A", 10, 0.8) and items["a3"] == ("A", 0, None)
    factors = factor_indices(items, {})
    assert [(f.factor, f.index, f.n_min, f.items) for f in factors] == [
        ("A", pytest.approx(70.0), 10, ("a1", "a2", "a3")),
        ("B", pytest.approx(90.0), 10, ("b1",)),
    ]
    assert overall_index(factors) == pytest.approx(80.0)
    assert not factors[0].reliable  # 10 answers < 30


def test_seed_indicators_against_2015_baselines() -> None:
    indifferent, supplement, apology = SEED_INDICATORS
    # 10 of 100 found the officer indifferent: Wilson upper 0.1744 < 0.212 -> better.
    r = seed_result(indifferent, {"than_thien": 60, "binh_thuong": 30, "tho_o": 10}, {})
    assert r.share.estimate == pytest.approx(0.10) and r.verdict == "better"
    # 30 of 100 supplemented 2+ times: interval 0.219-0.396 contains 0.25 -> same.
    r = seed_result(supplement, {}, {0: 50, 1: 20, 2: 20, 3: 10})
    assert r.share.estimate == pytest.approx(0.30) and r.verdict == "same"
    # 3 of 4 late results came without an apology; no baseline, and n < 30.
    r = seed_result(apology, {}, {0: 3, 1: 1})
    assert r.share.estimate == pytest.approx(0.75)
    assert (r.reliable, r.verdict) == (False, "")


def test_unit_comparison_matches_the_scipy_documentation() -> None:
    # scipy.stats.kruskal docs: kruskal([1, 1, 1], [2, 2, 2], [2, 2]) ->
    # statistic 7.0, p-value 0.0301973834223185.
    result = compare_levels({"X": {1: 3}, "Y": {2: 3}, "Z": {2: 2}})
    assert result.statistic == pytest.approx(7.0)
    assert result.p_value == pytest.approx(0.0301973834223185)
    assert [(p.group_a, p.group_b) for p in result.pairwise] == [
        ("X", "Y"),
        ("X", "Z"),
        ("Y", "Z"),
    ]
    assert all(p.p_holm >= p.p_value for p in result.pairwise)
