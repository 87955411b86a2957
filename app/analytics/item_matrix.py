"""Every item's moments in one pass over the marks matrix, not one pass per item.

Item analysis needs, for each item column x of a matrix ``columns[item, examinee]`` and its
rest of the test r = total − x: mean(x), var(x), var(r), cov(x, r), cov(x, total) and the
covariance of the two lists sorted (Moodle's ``covariancemax``). Done item by item that is
a dozen numpy calls per column, twice per exam (positions and questions); here the same
formulas (deviations from the mean, products summed per row, divisor n − 1) run on blocks
of rows of the matrix, so the sums are those of the per-item code to rounding.

The sorted covariance of whole-number marks needs no sort at all: one ``bincount`` gives,
per item, the joint counts of (mark, total), hence the counts of each item value and of each
rest value; pairing the i-th smallest x with the i-th smallest r is then a sum over the runs
of equal x of the rest values at those ranks, read from cumulative sums (exact integer
arithmetic). Other marks (fractions, a wide range) are sorted per item as before.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from app.analytics.ordering import RANGE_ALLOWANCE, RANGE_PER_VALUE, sorted_values

BLOCK = 8  # item rows per block: the block's temporaries stay in the processor's cache


class ColumnMoments(NamedTuple):
    """Per item (arrays of length k; divisor n − 1): the mean, var(x), var(rest),
    cov(x, rest), cov(x, total) and the sorted covariance of x and rest."""

    mean: np.ndarray
    var: np.ndarray
    var_rest: np.ndarray
    cov: np.ndarray
    cov_total: np.ndarray
    cov_max: np.ndarray


def column_moments(columns: np.ndarray, rest_of: np.ndarray) -> ColumnMoments:
    """The moments of every row of ``columns[k, n]`` (n ≥ 2) against ``rest_of − row``.

    ``rest_of`` is the examinees' total (length n); the rest of the test of item j is
    ``rest_of − columns[j]``. ``cov_total`` is against ``rest_of`` itself.
    """
    k, n = columns.shape
    out = {name: np.empty(k) for name in ColumnMoments._fields}
    if not k:
        return ColumnMoments(**out)
    t_dev = rest_of - rest_of.mean()
    counter = _JointCounter.for_marks(columns, rest_of)
    for start in range(0, k, BLOCK):
        block = columns[start : start + BLOCK]
        rows = slice(start, start + block.shape[0])
        mean = block.mean(axis=1)
        dev = block - mean[:, None]
        rest = rest_of - block
        rest -= rest.mean(axis=1)[:, None]
        out["mean"][rows] = mean
        out["var"][rows] = np.einsum("ij,ij->i", dev, dev) / (n - 1)
        out["var_rest"][rows] = np.einsum("ij,ij->i", rest, rest) / (n - 1)
        out["cov"][rows] = np.einsum("ij,ij->i", dev, rest) / (n - 1)
        out["cov_total"][rows] = dev @ t_dev / (n - 1)
        if counter is not None:
            counter = counter.add(block, start)
    if counter is not None:
        out["cov_max"] = _from_counts(counter.joint, counter.x_low, counter.t_low, n)
    else:
        out["cov_max"] = _sorted_covariances(columns, rest_of)
    return ColumnMoments(**out)


def _sorted_covariances(columns: np.ndarray, rest_of: np.ndarray) -> np.ndarray:
    """cov(sort(x), sort(rest_of − x)) per row, sorting each (the general case)."""
    out = np.empty(columns.shape[0])
    for j, x in enumerate(columns):
        xs, ys = sorted_values(x), sorted_values(rest_of - x)
        out[j] = ((xs - xs.mean()) * (ys - ys.mean())).sum() / (x.size - 1)
    return out


class _JointCounter(NamedTuple):
    """Counts of (item, mark, total) filled block by block, while every mark is whole."""

    joint: np.ndarray  # [item, mark − x_low, total − t_low]
    x_low: int
    t_low: int
    total_index: np.ndarray  # total − t_low per examinee

    @classmethod
    def for_marks(cls, columns: np.ndarray, rest_of: np.ndarray) -> _JointCounter | None:
        """An empty counter, or None when the marks or totals are not whole numbers in a
        range worth counting (checked here for the totals, per block for the marks)."""
        k = columns.shape[0]
        x_low, x_high = float(columns.min()), float(columns.max())
        t_low, t_high = float(rest_of.min()), float(rest_of.max())
        if not all(np.isfinite((x_low, x_high, t_low, t_high))):
            return None
        x_range, t_range = int(x_high - x_low) + 1, int(t_high - t_low) + 1
        if k * x_range * t_range > RANGE_PER_VALUE * columns.size + RANGE_ALLOWANCE:
            return None
        total_index = rest_of.astype(np.intp)
        if not (total_index == rest_of).all() or x_low != int(x_low):
            return None
        total_index -= int(t_low)
        joint = np.zeros((k, x_range, t_range), dtype=np.int64)
        return cls(joint, int(x_low), int(t_low), total_index)

    def add(self, block: np.ndarray, start: int) -> _JointCounter | None:
        """Count rows ``start…`` (``block``); None (stop counting) if a mark is not whole."""
        index = block.astype(np.intp)
        if not (index == block).all():
            return None
        rows, x_range, t_range = block.shape[0], *self.joint.shape[1:]
        index -= self.x_low
        index *= t_range
        index += self.total_index
        index += (np.arange(rows, dtype=np.intp) * (x_range * t_range))[:, None]
        counts = np.bincount(index.ravel(), minlength=rows * x_range * t_range)
        self.joint[start : start + rows] = counts.reshape(rows, x_range, t_range)
        return self


def _from_counts(joint: np.ndarray, x_low: int, t_low: int, n: int) -> np.ndarray:
    """Sorted covariances from ``joint[item, x − x_low, total − t_low]`` counts."""
    k, x_range, t_range = joint.shape
    x_counts = joint.sum(axis=2)  # [item, x value]
    # rest = total − x: the rest value (total − t_low) − (x − x_low) + (t_low − x_high)
    rest_low = t_low - (x_low + x_range - 1)
    rest_counts = np.zeros((k, x_range + t_range - 1), dtype=np.int64)
    for u in range(x_range):
        shift = x_range - 1 - u
        rest_counts[:, shift : shift + t_range] += joint[:, u, :]
    rest_values = rest_low + np.arange(rest_counts.shape[1], dtype=np.int64)
    x_values = x_low + np.arange(x_range, dtype=np.int64)
    # S(r): the sum of the r smallest rest values of each item, at the x runs' ends.
    ends = np.cumsum(x_counts, axis=1)
    smallest = _smallest_sums(rest_counts, rest_values, ends, n)
    starts = np.concatenate([np.zeros((k, 1), dtype=np.int64), smallest[:, :-1]], axis=1)
    paired = ((smallest - starts) * x_values).sum(axis=1)
    sum_x = (x_counts * x_values).sum(axis=1)
    sum_rest = (rest_counts * rest_values).sum(axis=1)
    mean_product = sum_x.astype(float) * sum_rest.astype(float) / n
    return (paired.astype(float) - mean_product) / (n - 1)


def _smallest_sums(counts: np.ndarray, values: np.ndarray, ranks: np.ndarray, n: int) -> np.ndarray:
    """Per item row, the sum of its ``ranks[row, i]`` smallest values (``counts`` of each of
    ``values``, ascending), by one search over the rows' cumulative counts laid end to end."""
    k, width = counts.shape
    cum_counts = np.cumsum(counts, axis=1)
    cum_sums = np.cumsum(counts * values, axis=1)
    offset = (np.arange(k, dtype=np.int64) * (n + 1))[:, None]
    flat = (cum_counts + offset).ravel()
    found = np.searchsorted(flat, (ranks + offset).ravel(), side="left").reshape(ranks.shape)
    bins = found - (np.arange(k) * width)[:, None]  # the bin holding the rank-th value
    before = np.take_along_axis(cum_counts, np.maximum(bins - 1, 0), axis=1)
    sum_before = np.take_along_axis(cum_sums, np.maximum(bins - 1, 0), axis=1)
    before = np.where(bins > 0, before, 0)
    sum_before = np.where(bins > 0, sum_before, 0)
    return sum_before + (ranks - before) * values[np.minimum(bins, width - 1)]
