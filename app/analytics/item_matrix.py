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

ROWS = 4096  # examinees per block: the block's temporaries stay in the processor's cache


class ColumnMoments(NamedTuple):
    """Per item (arrays of length k; divisor n − 1): the mean, var(x), var(rest),
    cov(x, rest), cov(x, total) and the sorted covariance of x and rest."""

    mean: np.ndarray
    var: np.ndarray
    var_rest: np.ndarray
    cov: np.ndarray
    cov_total: np.ndarray
    cov_max: np.ndarray


def column_moments(data: np.ndarray, total: np.ndarray) -> ColumnMoments:
    """The moments of every column of ``data[n, k]`` (n ≥ 2) against ``total − column``.

    ``total`` is the examinees' total (length n); the rest of the test of item j is
    ``total − data[:, j]``. ``cov_total`` is against ``total`` itself. The matrix is read
    in blocks of ``ROWS`` examinees, twice: sums for the means, then the products of the
    deviations from them (the definitions' two-pass form; no transposed copy).
    """
    n, k = data.shape
    if not k:
        return ColumnMoments(*(np.zeros(0) for _ in ColumnMoments._fields))
    blocks = [slice(start, min(start + ROWS, n)) for start in range(0, n, ROWS)]
    sums, rest_sums = np.zeros(k), np.zeros(k)
    for rows in blocks:
        block = data[rows]
        sums += block.sum(axis=0)
        rest_sums += (total[rows, None] - block).sum(axis=0)
    mean, rest_mean, t_dev = sums / n, rest_sums / n, total - total.mean()
    out = {name: np.zeros(k) for name in ("var", "var_rest", "cov", "cov_total")}
    counter = _JointCounter.for_marks(data, total)
    for rows in blocks:
        block = data[rows]
        dev = block - mean
        rest = total[rows, None] - block
        rest -= rest_mean
        out["var"] += np.einsum("ij,ij->j", dev, dev)
        out["var_rest"] += np.einsum("ij,ij->j", rest, rest)
        out["cov"] += np.einsum("ij,ij->j", dev, rest)
        out["cov_total"] += t_dev[rows] @ dev
        if counter is not None:
            counter = counter.add(block, rows)
    if counter is not None:
        cov_max = _from_counts(counter.joint, counter.x_low, counter.t_low, n)
    else:
        cov_max = _sorted_covariances(data, total)
    moments = {name: value / (n - 1) for name, value in out.items()}
    return ColumnMoments(mean=mean, cov_max=cov_max, **moments)


def _sorted_covariances(data: np.ndarray, total: np.ndarray) -> np.ndarray:
    """cov(sort(x), sort(total − x)) per column x, sorting each (the general case)."""
    out = np.empty(data.shape[1])
    for j in range(data.shape[1]):
        x = data[:, j]
        xs, ys = sorted_values(x), sorted_values(total - x)
        out[j] = ((xs - xs.mean()) * (ys - ys.mean())).sum() / (x.size - 1)
    return out


class _JointCounter(NamedTuple):
    """Counts of (item, mark, total) filled block by block, while every mark is whole."""

    joint: np.ndarray  # [item, mark − x_low, total − t_low]
    x_low: int
    t_low: int
    total_index: np.ndarray  # total − t_low per examinee

    @classmethod
    def for_marks(cls, data: np.ndarray, total: np.ndarray) -> _JointCounter | None:
        """An empty counter, or None when the marks or totals are not whole numbers in a
        range worth counting (checked here for the totals, per block for the marks)."""
        k = data.shape[1]
        x_low, x_high = float(data.min()), float(data.max())
        t_low, t_high = float(total.min()), float(total.max())
        if not all(np.isfinite((x_low, x_high, t_low, t_high))):
            return None
        x_range, t_range = int(x_high - x_low) + 1, int(t_high - t_low) + 1
        if k * x_range * t_range > RANGE_PER_VALUE * data.size + RANGE_ALLOWANCE:
            return None
        total_index = total.astype(np.intp)
        if not (total_index == total).all():
            return None
        total_index -= int(t_low)
        joint = np.zeros((k, x_range, t_range), dtype=np.int64)
        return cls(joint, int(x_low), int(t_low), total_index)

    def add(self, block: np.ndarray, rows: slice) -> _JointCounter | None:
        """Count the examinees ``rows`` (marks ``block``); None (stop counting) if a mark
        is not whole."""
        index = block.astype(np.intp)
        if not (index == block).all():
            return None
        k, x_range, t_range = self.joint.shape
        index -= self.x_low
        index *= t_range
        index += self.total_index[rows, None]
        index += np.arange(k, dtype=np.intp) * (x_range * t_range)
        counts = np.bincount(index.ravel(), minlength=self.joint.size)
        np.add(self.joint, counts.reshape(self.joint.shape), out=self.joint)
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
