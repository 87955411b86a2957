"""Each question's column of an exam's marks, and when its statistics are already known.

A **fixed form** (every attempt holds the same versions at positions 1..L, in order) is an
[attempt, position] grid: a question is a position. Where that position's credits are all
scored (none voided or blank) and its mark is the same in every attempt, the question's
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

from app.analytics.distractors import Thirds, thirds
from app.analytics.exam_data import ItemRows
from app.analytics.items import ItemStats
from app.analytics.ordering import group_indices


class QuestionColumn(NamedTuple):
    """One version over the attempts that saw it: credits, marks earned, choice codes and
    the attempts' totals; ``known`` is (its statistics, ``thirds(totals)``) when the test
    level has them (then ``credit`` and ``earned`` are not read)."""

    version: int
    credit: np.ndarray | None
    earned: np.ndarray | None
    codes: np.ndarray
    totals: np.ndarray
    known: tuple[ItemStats, Thirds] | None


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
    reuse = _same_as_position(rows, shape)
    codes = np.ascontiguousarray(rows.choice.reshape(shape).T)
    groups: Thirds | None = None
    for p, version in enumerate(form):
        stats = positions.get(p + 1)
        if reuse[p] and stats is not None:
            groups = thirds(totals) if groups is None else groups
            yield QuestionColumn(version, None, None, codes[p], totals, (stats, groups))
        else:
            credit = rows.credit.reshape(shape)[:, p].copy()
            earned_here = earned.reshape(shape)[:, p].copy()
            yield QuestionColumn(version, credit, earned_here, codes[p], totals, None)


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
