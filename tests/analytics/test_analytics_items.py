"""Item analysis checked against Moodle's published reference data and hand arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

from app.analytics.items import analyse_items, distractor_analysis, flag_item
from tests.analytics.analytics_reference_data import MOODLE_QSTATS00, MOODLE_RESULTS00


@pytest.mark.parametrize("slot", range(7))
def test_item_statistics_match_moodle_fixture(slot: int) -> None:
    item = analyse_items(MOODLE_RESULTS00).items[slot]
    facility, sd, weight, index, efficiency = MOODLE_QSTATS00[slot]
    # Moodle's own tolerance in assert_stat_equals is 1e-5 relative for these.
    assert item.facility == pytest.approx(facility, rel=1e-6)
    assert item.sd == pytest.approx(sd, rel=1e-6)  # max mark 1, so sd in marks = fraction
    assert item.effective_weight == pytest.approx(weight / 100, rel=1e-5)
    assert item.discrimination_index == pytest.approx(index / 100, rel=1e-5)
    assert item.discriminative_efficiency == pytest.approx(efficiency / 100, rel=1e-5)


def test_test_statistics_match_moodle_fixture_with_negative_alpha() -> None:
    test = analyse_items(MOODLE_RESULTS00).test
    # Moodle stats_from_steps_walkthrough_test.php, check_quiz_stats_for_quiz_00():
    assert test.median == pytest.approx(4.5)  # 'median' => 4.5
    assert test.mean == pytest.approx(4.617333332, rel=1.5e-5)  # 'allattemptsavg'
    assert test.sd == pytest.approx(0.8117265554, rel=1.5e-5)  # 'standarddeviation'
    assert test.skewness == pytest.approx(-0.092502502, rel=1.5e-5)  # 'skewness'
    assert test.kurtosis == pytest.approx(-0.7073968557, rel=1.5e-5)  # 'kurtosis'
    # 'cic' => -87.2230935542 (%): a NEGATIVE alpha, reported as it is, never clipped.
    assert test.alpha == pytest.approx(-0.872230935542, rel=1.5e-5)
    assert test.error_ratio == pytest.approx(1.368294900795, rel=1.5e-5)  # 'errorratio' 136.8%
    assert test.standard_error == pytest.approx(1.1106813066, rel=1.5e-5)  # 'standarderror'
    assert test.n == 25 and test.n_items == 7 and test.max_total == 7


# Tiny example, computed by hand (variances and covariances divide by n - 1 = 3):
#   marks  E1: 1 1 1 (total 3)  E2: 1 1 0 (2)  E3: 1 0 0 (1)  E4: 0 0 0 (0)
# Item 1: x = 1,1,1,0, mean .75 -> facility .75; var = (3*.0625 + .5625)/3 = .25, sd .5.
#   rest = 2,1,0,0 (mean .75), var = (1.5625+.0625+.5625+.5625)/3 = 2.75/3;
#   cov(x, rest) = (.3125+.0625-.1875+.5625)/3 = .25 -> DI = .25/sqrt(.25*2.75/3) = .52223.
#   Sorted x 0,1,1,1 and sorted rest 0,0,1,2 also give covariance .25 -> efficiency 1.
# Item 2: x = 1,1,0,0; var 1/3; rest 2,1,1,0, var 2/3; cov 1/3 -> DI = 1/sqrt(2) = .70711.
# cov(item, total) with totals 3,2,1,0: .5, 2/3, .5 -> effective weights
#   sqrt(.5)/(2 sqrt(.5)+sqrt(2/3)) = .31699 and sqrt(2/3)/(...) = .36603.
# Test: var(total) = 5/3, sum of item variances = .25+1/3+.25 = 5/6,
#   alpha = 3/2 * (1 - (5/6)/(5/3)) = .75; error ratio sqrt(.25) = .5; SE = .5*sqrt(5/3).
#   Skewness 0 (symmetric); m2 = 1.25, m4 = 2.5625, k2 = 5/3,
#   k4 = 16*(5*2.5625 - 3*3*1.25**2)/(3*2*1) = -10/3 -> kurtosis = (-10/3)/(25/9) = -1.2.
# Alpha without item 1: items 2,3 -> 2*(1 - (1/3+1/4)/(2.75/3)) = 8/11.
TINY = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=float)


def test_tiny_hand_computed_example() -> None:
    result = analyse_items(TINY)
    first, second, third = result.items
    assert first.facility == pytest.approx(0.75)
    assert first.sd == pytest.approx(0.5)
    assert first.discrimination_index == pytest.approx(0.25 / np.sqrt(0.25 * 2.75 / 3))
    assert first.discriminative_efficiency == pytest.approx(1.0)
    assert second.discrimination_index == pytest.approx(1 / np.sqrt(2))
    norm = 2 * np.sqrt(0.5) + np.sqrt(2 / 3)
    assert first.effective_weight == pytest.approx(np.sqrt(0.5) / norm)
    assert second.effective_weight == pytest.approx(np.sqrt(2 / 3) / norm)
    assert third.effective_weight == pytest.approx(first.effective_weight)
    assert first.alpha_if_deleted == pytest.approx(8 / 11)
    test = result.test
    assert (test.mean, test.median) == (pytest.approx(1.5), pytest.approx(1.5))
    assert test.sd == pytest.approx(np.sqrt(5 / 3))
    assert test.skewness == pytest.approx(0.0, abs=1e-12)
    assert test.kurtosis == pytest.approx(-1.2)
    assert test.alpha == pytest.approx(0.75)
    assert test.error_ratio == pytest.approx(0.5)
    assert test.standard_error == pytest.approx(0.5 * np.sqrt(5 / 3))


def test_facility_and_sd_are_fractions_of_max_mark() -> None:
    scaled = analyse_items(TINY * 4, max_marks=4).items[0]
    assert scaled.facility == pytest.approx(0.75)
    assert scaled.sd == pytest.approx(0.5)


def test_negative_alpha_by_hand() -> None:
    # a = 1,0,1 and b = 0,1,1: var(a) = var(b) = 1/3, totals 1,1,2 have var 1/3,
    # alpha = 2 * (1 - (2/3)/(1/3)) = -2. Kept negative, never clipped.
    test = analyse_items([[1, 0], [0, 1], [1, 1]]).test
    assert test.alpha == pytest.approx(-2.0)
    assert test.error_ratio == pytest.approx(np.sqrt(3.0))


def test_blank_marks_count_as_zero() -> None:
    with_blank = analyse_items([[1, np.nan], [1, 1], [0, 0], [1, 0]])
    assert with_blank.items[1].facility == pytest.approx(0.25)


def test_constant_item_gives_none_with_reason_not_nan() -> None:
    result = analyse_items([[1, 1, 0], [1, 0, 0], [1, 1, 1], [1, 0, 1]])
    easy = result.items[0]
    assert easy.facility == 1.0 and easy.sd == 0.0
    assert easy.discrimination_index is None and "discrimination_index" in easy.reasons
    assert easy.discriminative_efficiency is None
    assert "câu quá dễ" in " ".join(flag_item(easy))


def test_too_few_examinees_gives_reasons() -> None:
    one = analyse_items([[1, 0, 1]])
    assert one.items[0].sd is None and one.items[0].reasons["sd"]
    assert one.test.sd is None and one.test.alpha is None
    assert set(one.test.reasons) >= {"sd", "skewness", "kurtosis", "alpha"}
    two = analyse_items([[1, 0], [0, 1]])  # Moodle computes CIC from 3 attempts only
    assert two.test.alpha is None and "3" in two.test.reasons["alpha"]


@pytest.mark.parametrize(
    ("marks", "max_marks"),
    [([1, 0, 1], 1), ([[1, 0]], 0), ([[1, 0]], [1, 1, 1]), ([[np.inf, 0]], 1)],
)
def test_invalid_input_raises(marks: object, max_marks: object) -> None:
    with pytest.raises(ValueError):
        analyse_items(marks, max_marks)


# Distractors: 9 examinees with totals 1..9, so the upper third is totals 7-9 and the
# lower third totals 1-3. Key 'A'.
TOTALS = [1, 2, 3, 4, 5, 6, 7, 8, 9]
CHOICES = ["B", "C", "B", "A", "A", "C", "A", "C", None]


def test_distractor_shares_by_third() -> None:
    result = distractor_analysis(CHOICES, TOTALS, key="A", options=["A", "B", "C", "D"])
    shares = {o.option: o for o in result.options}
    assert (result.n_upper, result.n_lower) == (3, 3)
    assert shares["A"].is_key and shares["A"].upper_share == pytest.approx(1 / 3)
    assert shares["B"].upper_share == 0 and shares["B"].lower_share == pytest.approx(2 / 3)
    assert shares["C"].upper_share == pytest.approx(1 / 3)
    assert shares["C"].lower_share == pytest.approx(1 / 3)
    assert shares["D"].overall_share == 0  # listed but never chosen
    assert shares[""].upper_share == pytest.approx(1 / 3)  # the blank answer


def test_flag_distractor_chosen_more_by_upper_third() -> None:
    choices = ["B", "B", "A", "A", "A", "A", "C", "C", "A"]
    distractors = distractor_analysis(choices, TOTALS, key="A")
    item = analyse_items(TINY).items[1]  # discrimination .71, facility .5: no other flag
    flags = flag_item(item, distractors)
    assert len(flags) == 1 and "'C'" in flags[0]


def test_distractor_ties_that_overlap_are_not_split() -> None:
    result = distractor_analysis(["A", "B", "A"], [2, 2, 2], key="A")
    assert result.reason and all(o.upper_share is None for o in result.options)
    with pytest.raises(ValueError):
        distractor_analysis(["A"], [1, 2])


def test_flag_thresholds_are_parameters() -> None:
    item = analyse_items(MOODLE_RESULTS00).items[0]  # DI -0.071, facility 0.704
    assert any("âm" in flag for flag in flag_item(item))
    good = analyse_items(TINY).items[1]  # DI .707, facility .5
    assert flag_item(good) == ()
    assert len(flag_item(good, min_discrimination=0.8, max_facility=0.4)) == 2
    assert flag_item(good, min_facility=0.6)


def test_no_examinees_gives_none_not_nan() -> None:
    result = analyse_items(np.zeros((0, 3)))
    assert result.items[0].facility is None and result.items[0].reasons["facility"]
    assert result.test.mean is None and result.test.reasons["mean"]
