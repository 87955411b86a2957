"""An exam's rows as a grid of [attempt, position] and each question's column of it.

The rows are sorted by attempt and position (``sorted_rows``), numbered per attempt
(``attempt_index``) and laid out as the test level's marks matrix (``slot_matrix``).

A **fixed form** (every attempt holds the same versions at positions 1..L, in order) is an
[attempt, position] grid: a question is a position. Where that position's credits are all
scored (none voided or awaiting a mark) and its mark is the same in every attempt, the question's
facility, SD, discrimination index and efficiency *are* the position's — credit is the
mark divided by that constant, which changes none of them — so the test level's
statistics are reused instead of computed a second time, and the upper/lower thirds of the
attempts' totals are found once for every distractor table. Other positions of a fixed
form are columns of the grid; **random forms** are grouped by version (a radix sort).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from app.analytics.distractors import OptionCounts, Thirds, thirds
from app.analytics.exam_data import ItemRows
from app.analytics.items import ItemStats
from app.analytics.ordering import group_indices


class QuestionColumn(NamedTuple):
    """One version over the attempts that saw it: credits, marks earned, choice codes and
    the attempts' totals; ``known`` is (its statistics, ``thirds(totals)``) when the test
    level has them (then ``credit`` and ``earned`` are not read), ``by_code`` the counts of
    each choice code (0 = blank) then, when every attempt answered it online."""

    version: int
    credit: np.ndarray | None
    earned: np.ndarray | None
    codes: np.ndarray
    totals: np.ndarray
    known: tuple[ItemStats, Thirds] | None = None
    by_code: OptionCounts | None = None


def fixed_form(rows: ItemRows, n_attempts: int) -> list[int] | None:
    """The version at each position when every attempt holds the same versions at positions
    1..L, in order (rows sorted by attempt and position); None otherwise."""
    size = len(rows) // n_attempts if n_attempts else 0
    if not size or len(rows) != size * n_attempts:
        return None
    grid = rows.version.reshape(n_attempts, size)
    ends = rows.position.reshape(n_attempts, size)[:, [0, -1]]
    if not ((ends == (1, size)).all() and (grid == grid[0]).all()):
        return None
    form = grid[0].tolist()
    return form if len(set(form)) == size else None


def sorted_rows(rows: ItemRows) -> ItemRows:
    """Rows ordered by attempt then position (the loader's order; re-sorted if not)."""
    if len(rows) < 2:
        return rows
    key = rows.attempt * (int(rows.position.max()) + 1) + rows.position
    if (key[1:] > key[:-1]).all():
        return rows
    return rows.take(np.argsort(key, kind="stable"))


def attempt_index(attempts: np.ndarray) -> np.ndarray:
    """0, 1, 2, … per attempt of rows grouped by attempt (a run per attempt)."""
    starts = np.ones(attempts.size, dtype=bool)
    starts[1:] = attempts[1:] != attempts[:-1]
    return np.cumsum(starts) - 1


def earned_marks(rows: ItemRows) -> np.ndarray:
    """Marks earned per row: credit × mark, 0 where voided or unscored."""
    earned = rows.credit * rows.mark
    np.copyto(earned, 0.0, where=np.isnan(rows.credit))
    return earned


def _slot_marks(
    rows: ItemRows, earned: np.ndarray, index: np.ndarray, kept: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """(marks[kept attempt, position], largest scored mark per position; -inf for none)."""
    unscored = np.isnan(rows.credit)
    if kept.all():  # every attempt holds positions 1..size, in order: a reshape, no copy
        marks = earned.reshape(kept.size, size)
        if not unscored.any():
            return marks, rows.mark.reshape(kept.size, size).max(axis=0)
    scored_mark = np.where(unscored, -np.inf, rows.mark)  # voided: no maximum
    if kept.all():
        return marks, scored_mark.reshape(kept.size, size).max(axis=0)
    on = kept[index]
    cells = (np.cumsum(kept)[index[on]] - 1, rows.position[on] - 1)
    marks = np.zeros((int(kept.sum()), size))
    marks[cells] = earned[on]
    slot_max = np.full(size, -np.inf)
    np.maximum.at(slot_max, cells[1], scored_mark[on])
    return marks, slot_max


def slot_matrix(
    rows: ItemRows, index: np.ndarray, n_attempts: int, earned: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, list[int], int]:
    """(marks[attempt, position], max mark per position, positions, attempts left out).

    Only attempts with the most common number of positions, numbered 1..L, are kept;
    positions voided in every kept attempt are dropped. ``earned`` is ``earned_marks(rows)``
    when the caller has it already.
    """
    lengths = np.bincount(index, minlength=n_attempts)
    if not lengths.size:
        return np.zeros((0, 0)), np.zeros(0), [], 0
    size = int(np.bincount(lengths).argmax())
    last = np.cumsum(lengths) - 1
    kept = (lengths == size) & (rows.position[last] == size)
    earned = earned_marks(rows) if earned is None else earned
    marks, slot_max = _slot_marks(rows, earned, index, kept, size)
    live = slot_max > -np.inf
    positions = [int(p) + 1 for p in np.flatnonzero(live)]
    marks = marks if live.all() else marks[:, live]
    return marks, slot_max[live], positions, int(n_attempts - kept.sum())


def _same_as_position(rows: ItemRows, shape: tuple[int, int]) -> np.ndarray:
    """Per position of a fixed form: every credit scored and one mark for every attempt."""
    credit, mark = rows.credit.reshape(shape), rows.mark.reshape(shape)
    return ~np.isnan(credit).any(axis=0) & (mark.min(axis=0) == mark.max(axis=0))


def _fixed_columns(
    rows: ItemRows,
    earned: np.ndarray,
    totals: np.ndarray,
    form: list[int],
    positions: dict[int, ItemStats],
) -> Iterator[QuestionColumn]:
    shape = (totals.size, len(form))
    reuse = _same_as_position(rows, shape) & [p + 1 in positions for p in range(len(form))]
    codes = rows.choice.reshape(shape)
    groups = thirds(totals) if reuse.any() else None
    counted = _code_counts(codes, groups) if groups is not None else None
    for p, version in enumerate(form):
        if reuse[p]:
            known = (positions[p + 1], groups)
            every = OptionCounts(*(c[p] for c in counted))
            by_code = OptionCounts(*(c[1:] for c in every)) if not every.every[0] else None
            yield QuestionColumn(version, None, None, codes[:, p], totals, known, by_code)
        else:
            credit = rows.credit.reshape(shape)[:, p].copy()
            earned_here = earned.reshape(shape)[:, p].copy()
            yield QuestionColumn(version, credit, earned_here, codes[:, p].copy(), totals)


def _code_counts(codes: np.ndarray, groups: Thirds) -> OptionCounts:
    """Per position of ``codes[attempt, position]``, the count of each choice code + 1
    (index 0: no choice applies) among all attempts and in each third: three ``bincount``s
    over the whole grid instead of three per question."""
    k = codes.shape[1]
    width = int(codes.max()) + 2
    index = codes + (np.arange(k, dtype=np.int64) * width + 1)
    size = k * width

    def count(selected: np.ndarray) -> np.ndarray:
        return np.bincount(selected.ravel(), minlength=size).reshape(k, width)

    upper, lower, _reason = groups
    return OptionCounts(count(index), count(index[upper]), count(index[lower]))


def question_columns(
    rows: ItemRows,
    earned: np.ndarray,
    totals: np.ndarray,
    index: np.ndarray,
    positions: dict[int, ItemStats],
) -> Iterator[QuestionColumn]:
    """Every version's column (see the module docstring). ``rows`` are sorted by attempt and
    position, ``earned`` their marks earned, ``totals`` per attempt, ``index`` the attempt
    of each row, ``positions`` the test level's statistics per position (1-based)."""
    form = fixed_form(rows, totals.size)
    if form is not None:
        yield from _fixed_columns(rows, earned, totals, form, positions)
        return
    for version, chunk in group_indices(rows.version):
        yield QuestionColumn(
            version,
            rows.credit[chunk],
            earned[chunk],
            rows.choice[chunk],
            totals[index[chunk]],
            None,
        )
