"""Classical item analysis with Moodle's quiz-statistics definitions.

Follows Moodle's ``core_question\\statistics\\questions\\calculator`` (per item) and
``quiz_statistics\\calculator`` (whole test), documented in Moodle's developer docs
"Quiz statistics calculations". All variances and covariances divide by n - 1.

Per item (Moodle reports percentages; here they are plain fractions):

* facility = mean mark / max mark;
* sd = SD of the item mark / max mark;
* discrimination index = correlation of the item mark with the rest of the test
  (total minus this item);
* discriminative efficiency = cov(item, rest) / the covariance reached when both
  lists are sorted (the largest covariance those two distributions allow);
* effective weight = sqrt(cov(item, total)) / sum over items with non-negative
  cov(item, total) of sqrt(cov(item, total));
* alpha if deleted = Cronbach's alpha of the other items (not a Moodle statistic).

Whole test: mean, median, sd, skewness k3/k2^1.5, excess kurtosis k4/k2^2
(sample k-statistics), coefficient of internal consistency (Cronbach's alpha,
KR-20 for 0/1 items), error ratio sqrt(1 - CIC) and standard error = error ratio x SD.
Marks, mean, median, SD and standard error of the test are in marks; they are computed in
:mod:`app.analytics.whole_test`.

Nothing here loops over the examinees item by item: every item's moments (variance, the
rest's variance, covariances with the rest and the total, the sorted covariance) come from
one blocked pass over the matrix (:mod:`app.analytics.item_matrix`), and alpha if deleted
from the item variances and var(total - item); :func:`item_against_rest` computes the same
for one column with the plain formulas, so 100,000 × 60 marks take a fraction of a second.

Distractor analysis and the "needs checking" flags live in :mod:`app.analytics.distractors`
and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from app.analytics.distractors import (
    DistractorAnalysis,
    OptionShare,
    distractor_analysis,
    flag_item,
)
from app.analytics.intervals import cronbach_alpha
from app.analytics.ordering import sorted_values
from app.analytics.whole_test import Marks, TestStats, covariance, marks_matrix, whole_test_stats

__all__ = [
    "DistractorAnalysis",
    "ItemAnalysis",
    "ItemStats",
    "OptionShare",
    "TestStats",
    "analyse_items",
    "distractor_analysis",
    "flag_item",
    "item_against_rest",
]

TOO_FEW = "cần ít nhất 2 bài làm (needs at least 2 examinees)"
NO_SPREAD = "mọi người được cùng một điểm ở câu này hoặc phần còn lại (no variance)"


@dataclass(frozen=True)
class ItemStats:
    """Statistics of one item; ``reasons`` maps each ``None`` field to why it is missing."""

    name: str
    max_mark: float
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    effective_weight: float | None
    alpha_if_deleted: float | None
    reasons: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemAnalysis:
    """Per-item and whole-test statistics for one set of marks."""

    items: tuple[ItemStats, ...]
    test: TestStats


def _prepare(
    marks: np.ndarray | Sequence[Sequence[float]],
    max_marks: float | Sequence[float] | np.ndarray,
    names: Sequence[str] | None,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    data = np.asarray(marks, dtype=float)
    if data.ndim != 2:
        raise ValueError(f"marks must be a 2-D array [examinees, items], got {data.ndim}-D")
    if not np.isfinite(data).all():  # one pass when every mark is a number, as usual
        data = np.where(np.isnan(data), 0.0, data)  # blank = unanswered = 0 marks
        if not np.isfinite(data).all():
            raise ValueError("marks must be finite numbers")
    k = data.shape[1]
    maxes = np.broadcast_to(np.asarray(max_marks, dtype=float), (k,)).copy()
    if not (np.isfinite(maxes).all() and (maxes > 0).all()):
        raise ValueError("every max mark must be a positive number")
    labels = [f"Q{i + 1}" for i in range(k)] if names is None else [str(x) for x in names]
    if len(labels) != k:
        raise ValueError(f"{len(labels)} item names for {k} items")
    return data, maxes, labels


def _sorted_covariance(x: np.ndarray, y: np.ndarray) -> float:
    """Moodle's ``covariancemax``: covariance after sorting both lists ascending."""
    xs, ys = sorted_values(x), sorted_values(y)
    return float(((xs - xs.mean()) * (ys - ys.mean())).sum() / (x.size - 1))


def _core_values(
    n: int, moments: tuple[float, float, float, float, float], max_mark: float
) -> tuple[dict, dict]:
    """Facility, sd, discrimination index and efficiency (Moodle formulas) of an item of
    ``n`` examinees from its (mean, var, var of the rest, cov with the rest, sorted
    covariance); the moments other than the mean are read only from 2 examinees on."""
    values: dict[str, float | None] = {"facility": None}
    reasons: dict[str, str] = {"facility": "không có bài làm nào (no examinees)"}
    if n:
        values["facility"] = moments[0] / max_mark
        reasons.clear()
    if n < 2:
        for key in ("sd", "discrimination_index", "discriminative_efficiency"):
            values[key], reasons[key] = None, TOO_FEW
        return values, reasons
    _mean, var_x, var_rest, cov, cov_max = moments
    values["sd"] = var_x**0.5 / max_mark
    if var_x * var_rest != 0.0:
        values["discrimination_index"] = cov / (var_x * var_rest) ** 0.5
    else:
        values["discrimination_index"], reasons["discrimination_index"] = None, NO_SPREAD
    if cov_max != 0.0:
        values["discriminative_efficiency"] = cov / cov_max
    else:
        values["discriminative_efficiency"], reasons["discriminative_efficiency"] = (
            None,
            NO_SPREAD,
        )
    return values, reasons


def _item_core(x: np.ndarray, rest: np.ndarray, max_mark: float) -> tuple[dict, dict]:
    """:func:`_core_values` of one item's marks ``x`` against ``rest``."""
    if x.size < 2:
        return _core_values(x.size, (float(x.mean()) if x.size else 0.0, 0, 0, 0, 0), max_mark)
    moments = (
        float(x.mean()),
        covariance(x, x),
        covariance(rest, rest),
        covariance(x, rest),
        _sorted_covariance(x, rest),
    )
    return _core_values(x.size, moments, max_mark)


def item_against_rest(
    x: np.ndarray, rest: np.ndarray, name: str, max_mark: float = 1.0
) -> ItemStats:
    """Facility, SD, discrimination index and efficiency of marks ``x`` against ``rest`` (the
    rest of each examinee's test), as :func:`analyse_items` computes them for one column.

    Effective weight and alpha if deleted need the other items and are ``None`` (without a
    reason). ``x`` and ``rest`` must be finite and of the same length.
    """
    values, reasons = _item_core(np.asarray(x, float), np.asarray(rest, float), max_mark)
    return ItemStats(
        name=name,
        max_mark=max_mark,
        effective_weight=None,
        alpha_if_deleted=None,
        reasons=reasons,
        **values,
    )


def _effective_weights(marks: Marks) -> tuple[list[float | None], list[str | None]]:
    """Moodle's effective weights: sqrt(cov(item, total)) normalised over non-negative ones."""
    k = marks.data.shape[1]
    if marks.moments is None:
        return [None] * k, [TOO_FEW] * k
    covs = marks.moments.cov_total.tolist()
    norm = sum(c**0.5 for c in covs if c >= 0)
    weights: list[float | None] = []
    reasons: list[str | None] = []
    for c in covs:
        if c < 0:
            weights.append(None)
            reasons.append("hiệp phương sai với tổng điểm âm (negative covariance with total)")
        elif norm == 0:
            weights.append(None)
            reasons.append("tổng điểm không thay đổi (total score has zero variance)")
        else:
            weights.append(c**0.5 / norm)
            reasons.append(None)
    return weights, reasons


def _alpha_if_deleted(marks: Marks, j: int) -> tuple[float | None, str | None]:
    """Cronbach's alpha without item ``j``, from the item variances already known and the
    variance of total - item j, as :func:`cronbach_alpha` computes it on the other columns
    (which it still does where the answer is ``None``, for its reason)."""
    n, k = marks.data.shape
    if n >= 2 and k >= 3 and marks.moments is not None:
        rest_variance = float(marks.moments.var_rest[j])
        if rest_variance != 0.0:
            others = float(marks.variances.sum() - marks.variances[j])
            return (k - 1) / (k - 2) * (1.0 - others / rest_variance), None
    result = cronbach_alpha(np.delete(marks.data, j, axis=1))
    return result.alpha, result.reason


def item_moments(marks: Marks, j: int) -> tuple[float, float, float, float, float]:
    """(mean, var, var of the rest, cov with the rest, sorted covariance) of column ``j``
    (the mean alone, zeros after it, below 2 examinees)."""
    n = marks.data.shape[0]
    m = marks.moments
    if m is None:
        return (float(marks.data[:, j].mean()) if n else 0.0, 0.0, 0.0, 0.0, 0.0)
    return (
        float(m.mean[j]),
        float(m.var[j]),
        float(m.var_rest[j]),
        float(m.cov[j]),
        float(m.cov_max[j]),
    )


def _item_stats(marks: Marks, maxes: np.ndarray, names: list[str]) -> tuple[ItemStats, ...]:
    weights, weight_reasons = _effective_weights(marks)
    n = marks.data.shape[0]
    items = []
    for j, name in enumerate(names):
        values, reasons = _core_values(n, item_moments(marks, j), float(maxes[j]))
        values["effective_weight"] = weights[j]
        values["alpha_if_deleted"], alpha_reason = _alpha_if_deleted(marks, j)
        extra = {"effective_weight": weight_reasons[j], "alpha_if_deleted": alpha_reason}
        reasons.update({key: why for key, why in extra.items() if values[key] is None and why})
        items.append(ItemStats(name=name, max_mark=float(maxes[j]), reasons=reasons, **values))
    return tuple(items)


def analyse_items(
    marks: np.ndarray | Sequence[Sequence[float]],
    max_marks: float | Sequence[float] | np.ndarray = 1.0,
    names: Sequence[str] | None = None,
) -> ItemAnalysis:
    """Item and test statistics for ``marks[n_examinees, n_items]``.

    ``max_marks`` is one number for every item or one per item; NaN marks count as 0
    (unanswered). Returns an :class:`ItemAnalysis`; statistics that cannot be computed
    are ``None`` with a reason in the dataclass's ``reasons``.

    Raises ``ValueError`` for a non-2-D array, infinite marks, a non-positive max
    mark or a wrong number of names/max marks.
    """
    data, maxes, labels = _prepare(marks, max_marks, names)
    checked = marks_matrix(data)
    return ItemAnalysis(
        items=_item_stats(checked, maxes, labels), test=whole_test_stats(checked, maxes)
    )
