"""The one-pass item statistics equal the plain per-item definitions.

``item_matrix.column_moments`` computes every column's moments in one blocked pass (the
sorted covariance of whole-number marks from joint counts, no sort); an exam on a fixed
form reuses its positions' statistics for its questions and counts every distractor table
in one pass over the choice grid. Each is checked here against the definitions computed
column by column with plain numpy — on data with ties, blanks, marks other than 0/1,
constant columns, voided and paper items, and on a random form.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.analytics.exam_columns import attempt_index, question_columns
from app.analytics.exam_data import CHOICE_BLANK, CHOICE_NONE, ItemRows
from app.analytics.exam_items import analyse_exam, question_entry
from app.analytics.exam_versions import VersionInfo
from app.analytics.intervals import cronbach_alpha
from app.analytics.item_matrix import column_moments
from app.analytics.items import analyse_items

RNG = np.random.default_rng(5122026)


def _close(got, expected, tol: float = 1e-9) -> bool:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return got is None or (isinstance(got, float) and math.isnan(got))
    return got is not None and abs(got - expected) <= tol * max(1.0, abs(expected))


def _matrix(kind: str, n: int, k: int) -> np.ndarray:
    ability = RNG.normal(size=(n, 1))
    p = 1 / (1 + np.exp(-(ability - RNG.normal(size=(1, k)))))
    right = RNG.random((n, k)) < p
    data = {
        "binary": right * 1.0,
        "whole": right * RNG.integers(1, 4, (n, k)),  # marks 0..3
        "halves": right * RNG.choice([0.5, 1.0, 1.5], (n, k)),  # not whole: sorted per item
        "thirds": right * RNG.choice([1 / 3, 2 / 3, 1.0], (n, k)),
    }[kind].astype(float)
    data[RNG.random((n, k)) < 0.05] = np.nan  # blanks: unanswered, 0 marks
    data[:, 0] = 1.0  # everyone has item 1 right: no variance
    return data


def _plain(data: np.ndarray, maxes: np.ndarray) -> list[dict]:
    """Each item's statistics from its definition, column by column."""
    x_all = np.nan_to_num(data)
    total = x_all.sum(axis=1)
    covs_total = [np.cov(x_all[:, j], total)[0, 1] for j in range(x_all.shape[1])]
    norm = sum(math.sqrt(c) for c in covs_total if c >= 0)
    out = []
    for j in range(x_all.shape[1]):
        x, rest = x_all[:, j], total - x_all[:, j]
        var_x, var_r = np.var(x, ddof=1), np.var(rest, ddof=1)
        cov = np.cov(x, rest)[0, 1]
        cov_max = np.cov(np.sort(x), np.sort(rest))[0, 1]
        out.append(
            {
                "facility": x.mean() / maxes[j],
                "sd": math.sqrt(var_x) / maxes[j],
                "discrimination_index": cov / math.sqrt(var_x * var_r) if var_x * var_r else None,
                "discriminative_efficiency": cov / cov_max if cov_max else None,
                "effective_weight": math.sqrt(covs_total[j]) / norm if covs_total[j] >= 0 else None,
                "alpha_if_deleted": cronbach_alpha(np.delete(x_all, j, axis=1)).alpha,
            }
        )
    return out


@pytest.mark.parametrize("kind", ["binary", "whole", "halves", "thirds"])
@pytest.mark.parametrize("n", [3, 40, 2_000])
def test_one_pass_item_statistics_are_the_definitions(kind: str, n: int) -> None:
    data = _matrix(kind, n, 11)  # 11 items: blocks of 8 and a short last block
    maxes = np.array([1.0, *RNG.choice([1.0, 2.0, 3.0], 10)])
    result = analyse_items(data, maxes)
    for got, expected in zip(result.items, _plain(data, maxes), strict=True):
        for key, value in expected.items():
            assert _close(getattr(got, key), value), (kind, n, got.name, key)
    assert result.items[0].discrimination_index is None  # the constant item
    assert "discrimination_index" in result.items[0].reasons


@pytest.mark.parametrize("marks", [[0, 1], [0, 1, 2, 5], [-1, 0, 2]])
def test_counted_sorted_covariance_is_the_sorted_one(marks: list[int]) -> None:
    columns = RNG.choice(marks, size=(13, 500)).astype(float)
    columns[3] = marks[-1]  # a constant item
    total = columns.sum(axis=0)
    moments = column_moments(columns.T, total)
    for j, x in enumerate(columns):
        rest = total - x
        assert moments.cov_max[j] == pytest.approx(
            np.cov(np.sort(x), np.sort(rest))[0, 1], abs=1e-12
        )
        assert moments.cov_total[j] == pytest.approx(np.cov(x, total)[0, 1], abs=1e-12)
        assert moments.var_rest[j] == pytest.approx(np.var(rest, ddof=1), rel=1e-12)
    assert moments.cov_max[3] == 0.0 and moments.var[3] == 0.0


# --- an exam: a fixed form reuses its positions, a random form is grouped by version --------


def _infos(versions: list[int]) -> dict[int, VersionInfo]:
    return {
        v: VersionInfo(v, v, 1, "single_choice" if v % 5 else "essay", f"Q{v:03d}", "",
                       ("A", "B", "C", "D"), ("", "", "", ""), ("A",))
        for v in versions
    }  # fmt: skip


def _exam_rows(forms: np.ndarray, *, halves: bool = True, paper: bool = True) -> ItemRows:
    """Rows of attempts answering ``forms[attempt, position]`` (version ids), with ties,
    blank and unknown choices, one voided version, a mark of 2 at position 2, an unscored
    item, half credits on some versions (``halves``) and two paper attempts with no
    choices (``paper``)."""
    n, k = forms.shape
    ability = RNG.normal(size=(n, 1))
    right = RNG.random((n, k)) < 1 / (1 + np.exp(-(ability - 0.1 * (forms % 7))))
    credit = right * 1.0
    if halves:
        credit[:, :] = np.where(forms % 11 == 3, RNG.choice([0.0, 0.5, 1.0], (n, k)), credit)
    mark = np.ones((n, k))
    mark[:, 1] = 2.0
    credit[forms == 4] = np.nan  # version 4 voided
    credit[-1, 7] = np.nan  # one item not scored yet
    wrong = RNG.choice([2, 3, 4, 6, CHOICE_BLANK], (n, k), p=[0.4, 0.3, 0.15, 0.05, 0.1])
    choice = np.where(right, 1, wrong).astype(np.int32)
    choice[forms % 5 == 0] = CHOICE_NONE  # essays: no choices
    if paper:
        choice[[0, -1]] = CHOICE_NONE
    attempt = np.repeat(np.arange(1, n + 1) * 10, k)
    zeros = np.zeros(n * k)
    return ItemRows(
        exam=np.full(n * k, 1, dtype=np.int64),
        attempt=attempt.astype(np.int64),
        position=np.tile(np.arange(1, k + 1), n).astype(np.int64),
        version=forms.ravel().astype(np.int64),
        credit=credit.ravel(),
        mark=mark.ravel(),
        score=zeros,
        max_score=zeros,
        choice=choice.ravel(),
    )


def _plain_questions(rows: ItemRows, infos: dict[int, VersionInfo]) -> dict[int, dict]:
    """Each version's entry from :func:`question_entry` over the attempts that saw it."""
    earned = np.where(np.isnan(rows.credit), 0.0, rows.credit * rows.mark)
    _, index = np.unique(rows.attempt, return_inverse=True)
    totals = np.bincount(index, weights=earned)
    out = {}
    for version in np.unique(rows.version).tolist():
        at = np.flatnonzero(rows.version == version)
        total = totals[index[at]]
        out[version] = question_entry(
            infos[version], rows.credit[at], total - earned[at], rows.choice[at], total, 20
        )
    return out


def _same_entry(got, expected, where: str) -> None:
    if isinstance(expected, dict):
        assert set(got) == set(expected), where
        for key in expected:
            _same_entry(got[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert len(got) == len(expected), where
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            _same_entry(g, e, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert _close(got, expected), (where, got, expected)
    else:
        assert got == expected, where


@pytest.mark.parametrize(
    ("n", "halves", "paper"),
    [
        (2, True, True),
        (60, True, True),
        (1_500, True, True),
        (1_500, False, False),
        (300, False, True),
    ],
)
def test_fixed_form_questions_are_their_plain_columns(n: int, halves: bool, paper: bool) -> None:
    forms = np.tile(np.arange(1, 26), (n, 1))  # 25 versions at the same positions
    rows = _exam_rows(forms, halves=halves, paper=paper)
    infos = _infos(list(range(1, 26)))
    # the fast path is taken: every position but the voided and the unscored one reuses
    # the test level's statistics (and, without paper attempts, the counted choices)
    positions = {p: None for p in range(1, 26)}
    earned, totals = np.nan_to_num(rows.credit * rows.mark), np.zeros(n)
    columns = list(question_columns(rows, earned, totals, attempt_index(rows.attempt), positions))
    assert sum(c.known is not None for c in columns) == 23
    choice_columns = [c for c in columns if c.known and infos[c.version].qtype != "essay"]
    assert all((c.by_code is None) == paper for c in choice_columns)
    payload = analyse_exam(rows, infos, min_n=20)
    expected = _plain_questions(rows, infos)
    assert len(payload["questions"]) == 25
    for entry in payload["questions"]:
        _same_entry(entry, expected[entry["version_id"]], entry["label"])
    voided = next(q for q in payload["questions"] if q["version_id"] == 4)
    assert voided["voided"] and voided["facility"] is None


def test_random_form_questions_are_their_plain_columns() -> None:
    n, k, pool = 800, 12, 40
    forms = np.array([RNG.choice(np.arange(1, pool + 1), k, replace=False) for _ in range(n)])
    rows = _exam_rows(forms)
    infos = _infos(list(range(1, pool + 1)))
    payload = analyse_exam(rows, infos, min_n=20)
    expected = _plain_questions(rows, infos)
    assert len(payload["questions"]) == pool
    for entry in payload["questions"]:
        _same_entry(entry, expected[entry["version_id"]], entry["label"])
