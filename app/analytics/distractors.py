"""Distractor analysis (upper vs lower third) and the "needs checking" item flags.

The upper third is everyone whose total score is at least the score of the
``n // 3``-th best examinee; the lower third everyone at most the ``n // 3``-th
worst score. Ties at a cut-off stay together, so a group can be larger than a
third; shares are proportions within each group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from app.analytics.ordering import sorted_values

if TYPE_CHECKING:
    from app.analytics.items import ItemStats

BLANK = ""


@dataclass(frozen=True)
class OptionShare:
    """Share of the upper third, lower third and everyone choosing one option."""

    option: str
    is_key: bool
    upper_share: float | None
    lower_share: float | None
    overall_share: float


@dataclass(frozen=True)
class DistractorAnalysis:
    """Option choices of one item split by upper and lower third of total score."""

    key: str | None
    n: int
    n_upper: int
    n_lower: int
    options: tuple[OptionShare, ...]
    reason: str | None = None


Thirds = tuple[np.ndarray, np.ndarray, str | None]


def thirds(totals: np.ndarray) -> Thirds:
    """(upper third mask, lower third mask, reason) of examinees with these ``totals``;
    both masks empty with a reason when there are too few or ties make them overlap."""
    n = totals.size
    empty = np.zeros(n, dtype=bool)
    if n < 3:
        return empty, empty, "cần ít nhất 3 bài làm (needs at least 3 examinees)"
    g = n // 3
    ascending = sorted_values(totals)
    upper_cut, lower_cut = ascending[n - g], ascending[g - 1]
    if upper_cut <= lower_cut:
        reason = "điểm trùng nhau, không tách được nhóm trên/dưới (thirds overlap: tied totals)"
        return empty, empty, reason
    return totals >= upper_cut, totals <= lower_cut, None


def distractor_analysis(
    choices: Sequence[str | None],
    totals: Sequence[float] | np.ndarray,
    key: str | None = None,
    options: Sequence[str] | None = None,
) -> DistractorAnalysis:
    """Share of the upper and lower thirds (by total score) choosing each option.

    ``choices[i]`` is the option code chosen by examinee ``i`` (``None`` or ``""`` for
    blank, reported as option ``""``); ``totals[i]`` their total score; ``key`` the
    correct option; ``options`` lists options to report even if nobody chose them.
    Returns a :class:`DistractorAnalysis`; group shares are ``None`` with a reason
    when fewer than 3 examinees or ties make the thirds overlap.

    Raises ``ValueError`` if ``choices`` and ``totals`` differ in length.
    """
    codes = [BLANK if c is None else str(c).strip() for c in choices]
    listed = [str(o) for o in options or ()]
    seen = sorted({c for c in codes if c != BLANK} - set(listed))
    names = listed + seen + ([BLANK] if BLANK in codes else [])
    index = {name: i for i, name in enumerate(names)}
    coded = np.fromiter((index[c] for c in codes), dtype=np.intp, count=len(codes))
    return coded_distractor_analysis(coded, names, totals, key)


def coded_distractor_analysis(
    codes: np.ndarray,
    names: Sequence[str],
    totals: Sequence[float] | np.ndarray,
    key: str | None = None,
    groups: Thirds | None = None,
) -> DistractorAnalysis:
    """:func:`distractor_analysis` of choices given as indices into ``names`` (every name
    is reported, in that order; the blank answer is the name ``""``). Counting by index
    keeps a table of 100,000 examinees to a few ``bincount`` calls. ``groups`` is
    ``thirds(totals)`` when the caller has it already (many questions, the same totals).

    Raises ``ValueError`` if ``codes`` and ``totals`` differ in length.
    """
    codes = np.asarray(codes, dtype=np.intp)
    scores = np.asarray(totals, dtype=float)
    if codes.size != scores.size:
        raise ValueError(f"{codes.size} choices but {scores.size} total scores")
    upper, lower, reason = thirds(scores) if groups is None else groups
    k = len(names)
    counts = OptionCounts(
        np.bincount(codes, minlength=k),
        np.bincount(codes[upper], minlength=k),
        np.bincount(codes[lower], minlength=k),
    )
    return counted_distractor_analysis(
        counts, names, key, (int(upper.sum()), int(lower.sum())), reason
    )


class OptionCounts(NamedTuple):
    """How many examinees chose each option: all of them, the upper and the lower third."""

    every: np.ndarray
    upper: np.ndarray
    lower: np.ndarray


def counted_distractor_analysis(
    counts: OptionCounts,
    names: Sequence[str],
    key: str | None,
    group_sizes: tuple[int, int],
    reason: str | None,
) -> DistractorAnalysis:
    """The :class:`DistractorAnalysis` of option ``counts`` (indexed like ``names``) in
    thirds of ``group_sizes`` (upper, lower) examinees; no group shares with a ``reason``."""
    n = int(counts.every.sum())
    n_upper, n_lower = group_sizes
    shares = tuple(
        OptionShare(
            option=name,
            is_key=key is not None and name == key,
            upper_share=None if reason else float(counts.upper[i] / n_upper),
            lower_share=None if reason else float(counts.lower[i] / n_lower),
            overall_share=float(counts.every[i] / n) if n else 0.0,
        )
        for i, name in enumerate(names)
    )
    return DistractorAnalysis(
        key=key, n=n, n_upper=n_upper, n_lower=n_lower, options=shares, reason=reason
    )


def _distractor_flags(distractors: DistractorAnalysis) -> list[str]:
    if distractors.key is None or distractors.reason:
        return []
    flags = []
    for option in distractors.options:
        if option.is_key or option.option == BLANK:
            continue
        upper, lower = option.upper_share or 0.0, option.lower_share or 0.0
        if upper > lower:
            flags.append(
                f"phương án nhiễu '{option.option}' được nhóm giỏi chọn nhiều hơn nhóm yếu "
                f"({upper:.0%} so với {lower:.0%}) (distractor '{option.option}' chosen more "
                f"by the upper third than the lower third)"
            )
    return flags


def flag_item(
    item: ItemStats,
    distractors: DistractorAnalysis | None = None,
    *,
    min_discrimination: float = 0.2,
    min_facility: float = 0.1,
    max_facility: float = 0.95,
) -> tuple[str, ...]:
    """Reasons why an item "needs checking" (empty tuple when none).

    Flags a negative discrimination index, one below ``min_discrimination``, a facility
    below ``min_facility`` or above ``max_facility``, and (when ``distractors`` has a
    key) any wrong option chosen more by the upper third than by the lower third.
    Statistics that are ``None`` raise no flag of their own.
    """
    flags: list[str] = []
    d = item.discrimination_index
    if d is not None and d < 0:
        flags.append(f"độ phân biệt âm {d:.2f} (negative discrimination index)")
    elif d is not None and d < min_discrimination:
        flags.append(
            f"độ phân biệt thấp {d:.2f} < {min_discrimination:.2f} (low discrimination index)"
        )
    f = item.facility
    if f is not None and f < min_facility:
        flags.append(f"câu quá khó: độ dễ {f:.0%} < {min_facility:.0%} (facility too low)")
    if f is not None and f > max_facility:
        flags.append(f"câu quá dễ: độ dễ {f:.0%} > {max_facility:.0%} (facility too high)")
    if distractors is not None:
        flags.extend(_distractor_flags(distractors))
    return tuple(flags)
