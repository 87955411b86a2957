"""Chi-square / Fisher, Kruskal-Wallis with Holm-corrected Mann-Whitney."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from app.analytics.compare import chi_square_independence, holm_adjust, kruskal_wallis


def test_holm_matches_wikipedia_example() -> None:
    # Wikipedia, "Holm-Bonferroni method", example: p = 0.01, 0.04, 0.03, 0.005 at
    # alpha = 0.05 rejects H1 and H4 only. Adjusted p (same article, "Adjusted
    # p-values"): min(1, max_j<=i (m - j + 1) p_(j)) = 0.03, 0.06, 0.06, 0.02.
    adjusted = holm_adjust([0.01, 0.04, 0.03, 0.005])
    assert adjusted == pytest.approx((0.03, 0.06, 0.06, 0.02))
    assert [p <= 0.05 for p in adjusted] == [True, False, False, True]


def test_holm_caps_at_one_and_handles_empty() -> None:
    assert holm_adjust([0.6, 0.7]) == (1.0, 1.0)
    assert holm_adjust([]) == ()
    with pytest.raises(ValueError):
        holm_adjust([1.2])


def test_chi_square_is_pearson_without_continuity_correction() -> None:
    table = [[30, 10], [20, 20], [25, 15]]  # passed, failed per unit
    result = chi_square_independence(table)
    chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    assert result.statistic == pytest.approx(chi2)
    assert result.p_value == pytest.approx(p)
    assert result.df == dof == 2
    assert result.caveat == "" and result.fisher_p_value is None


def test_chi_square_2x2_small_counts_adds_fisher_and_caveat() -> None:
    # Fisher (1935) "lady tasting tea": 4 cups of each kind, 3 of 4 identified
    # correctly -> two-sided exact p = 34/70 = 0.4857 (one-sided 17/70).
    result = chi_square_independence([[3, 1], [1, 3]])
    assert result.fisher_p_value == pytest.approx(34 / 70)
    assert "5" in result.caveat and "Fisher" in result.caveat
    assert result.expected == ((2.0, 2.0), (2.0, 2.0))


@pytest.mark.parametrize(
    "table",
    [[[5, 0], [7, 0]], [[5, 2]], [[5, 2], [0, 0]]],
)
def test_chi_square_not_computable(table: list) -> None:
    result = chi_square_independence(table)
    assert result.statistic is None and result.p_value is None and result.reason


def test_chi_square_rejects_bad_counts() -> None:
    with pytest.raises(ValueError):
        chi_square_independence([[1.5, 2], [3, 4]])
    with pytest.raises(ValueError):
        chi_square_independence([[-1, 2], [3, 4]])


GROUPS = {
    "Phường A": [4.0, 5.0, 4.5, 3.5, 5.0, 4.0],
    "Phường B": [2.0, 3.0, 2.5, 3.5, np.nan, np.nan],
    "Phường C": [3.0, 4.0, 3.5, 3.0, 4.5, 4.0],
}


def test_kruskal_wallis_is_scipy_with_holm_pairwise() -> None:
    result = kruskal_wallis(GROUPS)
    clean = [np.array(v)[~np.isnan(v)] for v in GROUPS.values()]
    h, p = stats.kruskal(*clean)
    assert result.statistic == pytest.approx(h) and result.p_value == pytest.approx(p)
    assert result.df == 2
    pairs = [(r.group_a, r.group_b) for r in result.pairwise]
    assert pairs == [("Phường A", "Phường B"), ("Phường A", "Phường C"), ("Phường B", "Phường C")]
    raw = [stats.mannwhitneyu(clean[i], clean[j]).pvalue for i, j in ((0, 1), (0, 2), (1, 2))]
    assert [r.p_value for r in result.pairwise] == pytest.approx(raw)
    assert [r.p_holm for r in result.pairwise] == pytest.approx(holm_adjust(raw))
    assert "5" in result.caveat  # group B has only 4 values


def test_kruskal_wallis_not_computable() -> None:
    assert kruskal_wallis({"a": [1, 2, 3]}).reason
    assert kruskal_wallis({"a": [2, 2], "b": [2, 2]}).statistic is None
    assert kruskal_wallis({"a": [np.nan], "b": [1, 2]}).reason


def test_identical_pair_gets_p_one_not_nan() -> None:
    result = kruskal_wallis({"a": [3, 3, 3], "b": [3, 3, 3], "c": [1, 2, 5]})
    ab = result.pairwise[0]
    assert ab.p_value == 1.0 and ab.statistic == 4.5
