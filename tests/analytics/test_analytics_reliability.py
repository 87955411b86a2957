"""ICC and Krippendorff's alpha against published worked examples."""

from __future__ import annotations

import numpy as np
import pytest

from app.analytics.reliability import describe_agreement, icc, krippendorff_alpha
from tests.analytics.analytics_reference_data import SHROUT_FLEISS

NA = np.nan

# Shrout & Fleiss (1979): the six ICCs they report for the Table 2 data, as printed
# to two decimals (their Table 4).
PRINTED = {
    "icc1_1": 0.17,
    "icc2_1": 0.29,
    "icc3_1": 0.71,
    "icc1_k": 0.44,
    "icc2_k": 0.62,
    "icc3_k": 0.91,
}
# Same data to three decimals: DescTools::ICC(ratings) output in D. Wollschlaeger,
# "R Examples Repository", md/interRaterICC.md (github.com/dwoll/RExRepos):
# ICC1 0.166, ICC2 0.290, ICC3 0.715, ICC1k 0.443, ICC2k 0.620, ICC3k 0.909.
THREE_DECIMALS = {
    "icc1_1": 0.166,
    "icc2_1": 0.290,
    "icc3_1": 0.715,
    "icc1_k": 0.443,
    "icc2_k": 0.620,
    "icc3_k": 0.909,
}
# 95 % confidence bounds for the same data: psych::ICC(ratings) output in the same
# repository's earlier post (lower bounds to 3 decimals, upper bounds to 2).
CI_BOUNDS = {
    "icc1_1": (-0.133, 0.72),
    "icc2_1": (0.019, 0.76),
    "icc3_1": (0.342, 0.95),
    "icc1_k": (-0.884, 0.91),
    "icc2_k": (0.071, 0.93),
    "icc3_k": (0.676, 0.99),
}


@pytest.mark.parametrize("form", list(PRINTED))
def test_icc_matches_shrout_fleiss(form: str) -> None:
    result = icc(SHROUT_FLEISS)
    assert result.value(form) == pytest.approx(PRINTED[form], abs=0.005)
    assert result.value(form) == pytest.approx(THREE_DECIMALS[form], abs=0.0005)


@pytest.mark.parametrize("form", list(CI_BOUNDS))
def test_icc_confidence_intervals_match_psych(form: str) -> None:
    lower, upper = icc(SHROUT_FLEISS).estimates[form].ci
    assert lower == pytest.approx(CI_BOUNDS[form][0], abs=0.0005)
    assert upper == pytest.approx(CI_BOUNDS[form][1], abs=0.005)


def test_icc_mean_squares_match_shrout_fleiss_anova() -> None:
    # Shrout & Fleiss (1979), Table 3 (analysis of variance of Table 2):
    # BMS 11.24, WMS 6.26, JMS 32.49, EMS 1.02.
    ms = icc(SHROUT_FLEISS).mean_squares
    assert ms["bms"] == pytest.approx(11.24, abs=0.005)
    assert ms["wms"] == pytest.approx(6.26, abs=0.005)
    assert ms["jms"] == pytest.approx(32.49, abs=0.005)
    assert ms["ems"] == pytest.approx(1.02, abs=0.005)


def test_icc_drops_incomplete_targets_and_reports_them() -> None:
    with_gaps = np.vstack([SHROUT_FLEISS, [[5, NA, 3, NA]], [[NA, NA, NA, NA]]])
    result = icc(with_gaps)
    assert (result.n_targets, result.n_dropped, result.n_raters) == (6, 2, 4)
    assert result.value("icc2_1") == pytest.approx(0.290, abs=0.0005)


@pytest.mark.parametrize(
    ("ratings", "fragment"),
    [
        ([[1], [2], [3]], "1 người chấm"),  # one rater
        ([[1, 2], [NA, 3], [4, NA]], "at least 2 targets"),  # one complete target
        ([[3, 3], [3, 3], [3, 3]], "identical"),  # constant data
        ([[1, 2], [1, 2], [1, 2]], "no target variance"),  # every target has the same mean
    ],
)
def test_icc_not_computable_is_none_with_reason(ratings: list, fragment: str) -> None:
    result = icc(ratings)
    assert fragment in result.reason
    for estimate in result.estimates.values():
        assert estimate.value is None and estimate.ci is None and estimate.reason


def test_icc_perfect_consistency_has_value_but_no_ci() -> None:
    result = icc([[1, 2], [2, 3], [3, 4]])  # error mean square is exactly zero
    assert result.value("icc3_1") == pytest.approx(1.0)
    assert result.estimates["icc3_1"].ci is None and result.estimates["icc3_1"].reason


def test_icc_is_not_clipped() -> None:
    # Two raters who disagree: row means 2.5, 3.5, 3, 3.5 (grand mean 3.125) give
    # BMS = 2 * 0.6875 / 3 = 0.4583 and WMS = (4.5 + 4.5 + 2 + 0.5) / 4 = 2.875, so
    # ICC(1,1) = (BMS - WMS) / (BMS + WMS) = -2.4167 / 3.3333 = -0.725, kept negative.
    assert icc([[1, 4], [5, 2], [2, 4], [4, 3]]).value("icc1_1") == pytest.approx(-0.725)


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C
# (multiple values, multiple observers, missing data): 4 observers x 12 units.
# Rows here are units, columns observers A, B, C, D.
KRIPPENDORFF_C = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
        [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
    ]
).T


@pytest.mark.parametrize(
    ("level", "expected"),
    # Krippendorff (2011), section C: nominal .743, ordinal .815, interval .849.
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)],
)
def test_krippendorff_paper_example(level: str, expected: float) -> None:
    result = krippendorff_alpha(KRIPPENDORFF_C, level)
    assert result.alpha == pytest.approx(expected, abs=0.0005)
    assert result.n_units == 11  # unit 12 has a single value: not pairable
    assert result.n_pairable == 40


def test_krippendorff_binary_two_observers() -> None:
    # Krippendorff (2011), section A (binary data, two observers, no missing data):
    # A = 0 1 0 0 0 0 0 0 1 0, B = 1 1 1 0 0 1 0 0 0 0 -> alpha = 0.095
    # (1 - (20 - 1) * 4 / (14 * 6) = 8/84 by hand from the coincidences).
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    result = krippendorff_alpha(np.array([a, b]).T, "nominal")
    assert result.alpha == pytest.approx(0.095, abs=0.0005)
    assert result.alpha == pytest.approx(8 / 84)


def test_krippendorff_nominal_two_observers() -> None:
    # Krippendorff (2011), section B (nominal data, two observers, no missing data):
    # A = a a b b d c c c e d d a, B = b a b b b c c c e d d d -> alpha = 0.692.
    code = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}
    a = [code[x] for x in "aabbdcccedda"]
    b = [code[x] for x in "babbbccceddd"]
    assert krippendorff_alpha(np.array([a, b]).T, "nominal").alpha == pytest.approx(
        0.692, abs=0.0005
    )


def test_krippendorff_wikipedia_three_coder_example() -> None:
    # Wikipedia, "Krippendorff's alpha", section "A computational example":
    # 3 coders x 15 units with missing values, nominal alpha = 0.691.
    coders = [
        [NA, NA, NA, NA, NA, 3, 4, 1, 2, 1, 1, 3, 3, NA, 3],
        [1, NA, 2, 1, 3, 3, 4, 3, NA, NA, NA, NA, NA, NA, NA],
        [NA, NA, 2, 1, 3, 4, 4, NA, 2, 1, 1, 3, 3, NA, 4],
    ]
    result = krippendorff_alpha(np.array(coders).T, "nominal")
    assert result.alpha == pytest.approx(0.691, abs=0.0005)


def test_krippendorff_accepts_none_for_missing() -> None:
    rows = [[None if np.isnan(v) else v for v in row] for row in KRIPPENDORFF_C]
    assert krippendorff_alpha(rows, "interval").alpha == pytest.approx(0.849, abs=0.0005)


@pytest.mark.parametrize(
    ("ratings", "fragment"),
    [
        ([[1], [2]], "1 người chấm"),  # a single rater
        ([[1, NA], [NA, 2], [3, NA]], "no pairable values"),  # nobody overlaps
        ([[2, 2], [2, 2], [2, NA]], "identical"),  # one value only
    ],
)
def test_krippendorff_not_computable(ratings: list, fragment: str) -> None:
    for level in ("nominal", "ordinal", "interval"):
        result = krippendorff_alpha(ratings, level)
        assert result.alpha is None and fragment in result.reason


def test_krippendorff_rejects_unknown_level() -> None:
    with pytest.raises(ValueError):
        krippendorff_alpha(KRIPPENDORFF_C, "ratio")


@pytest.mark.parametrize(
    ("value", "kind", "word"),
    # Koo & Li (2016) bands for ICC; Krippendorff (2004) 0.667 / 0.8 for alpha.
    [
        (0.49, "icc", "kém"),
        (0.5, "icc", "trung bình"),
        (0.75, "icc", "tốt"),
        (0.9, "icc", "tốt"),
        (0.91, "icc", "rất tốt"),
        (0.8, "krippendorff", "đáng tin cậy"),
        (0.7, "krippendorff", "tạm chấp nhận"),
        (0.6, "krippendorff", "không đáng tin cậy"),
        (None, "icc", "không tính được"),
    ],
)
def test_describe_agreement(value: float | None, kind: str, word: str) -> None:
    assert describe_agreement(value, kind).startswith(word)
