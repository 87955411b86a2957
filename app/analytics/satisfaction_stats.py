"""Satisfaction statistics from answer counts: pure functions, no database.

The SQL side (``app.analytics.satisfaction``) counts answers with GROUP BY; these
functions turn the counts into estimates with intervals, using ``intervals`` and
``compare`` (never re-implementing them). Definitions, shown on the page:

* **satisfied** = one of the top two levels (4 "Hài lòng", 5 "Rất hài lòng") of a 5-level
  item; percent satisfied with a Wilson 95 % interval; mean level with a t interval.
* **SIPAS index** of a factor (A–E) = the mean of its 5-level items' percent satisfied,
  0–100; the overall index = the mean of the factor indices that have data (the unweighted
  means that fit the published SIPAS results; see docs/SURVEY_REFERENCE.md).
* **seed indicators** (Sóc Trăng 2015): share finding the officer indifferent, share
  supplementing two or more times, share of late results without an apology.
* Any estimate on fewer than 30 answers is marked unreliable ("chưa đủ tin cậy").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from app.analytics.compare import KruskalResult, kruskal_wallis
from app.analytics.intervals import (
    DEFAULT_MIN_N,
    AlphaResult,
    Interval,
    is_reliable_n,
    t_interval,
    wilson_interval,
)

LEVELS = (1, 2, 3, 4, 5)
SATISFIED_FROM = 4  # levels 4 and 5 of 5 count as satisfied
FACTORS = ("A", "B", "C", "D", "E")


@dataclass(frozen=True)
class SeedDefinition:
    """A seed indicator: which answers count, out of which, and the 2015 baseline."""

    key: str
    question: str  # question key
    label: str
    baseline: float | None
    choice: str = ""  # a single-choice value that counts as a "success"
    number_at_least: int | None = None  # or: a number at least this
    number_is: int | None = None  # or: exactly this number (yes/no stored as 1/0)


SEED_INDICATORS: tuple[SeedDefinition, ...] = (
    SeedDefinition(
        "indifferent", "attitude", "Thấy công chức thờ ơ, không quan tâm", 0.212, choice="tho_o"
    ),
    SeedDefinition(
        "supplement_2plus",
        "supplement_times",
        "Phải bổ sung hồ sơ từ 2 lần trở lên",
        0.25,
        number_at_least=2,
    ),
    SeedDefinition(
        "late_no_apology",
        "late_apology",
        "Hồ sơ trễ hẹn mà không nhận được văn bản xin lỗi",
        None,
        number_is=0,
    ),
)


@dataclass(frozen=True)
class ScaleSummary:
    """One 5-level item: counts per level, percent satisfied and mean, with intervals.

    ``mean`` (a t interval) is None when not asked for: group rows only need the average.
    """

    n: int
    counts: tuple[int, ...]  # levels 1..5
    satisfied: Interval
    mean: Interval | None
    reliable: bool

    @property
    def average(self) -> float | None:
        """The mean level (no interval)."""
        return (
            sum(v * c for v, c in zip(LEVELS, self.counts, strict=True)) / self.n
            if self.n
            else None
        )


@dataclass(frozen=True)
class FactorIndex:
    """The SIPAS index (0–100) of one factor, the items it averages and their alpha."""

    factor: str
    items: tuple[str, ...]
    index: float | None
    n_min: int
    alpha: AlphaResult | None
    reliable: bool


@dataclass(frozen=True)
class SeedResult:
    definition: SeedDefinition
    share: Interval
    reliable: bool

    @property
    def verdict(self) -> str:
        """ "better" / "worse" when the interval lies wholly below / above the baseline."""
        base, share = self.definition.baseline, self.share
        if base is None or share.lower is None or not self.reliable:
            return ""
        if share.upper < base:
            return "better"
        if share.lower > base:
            return "worse"
        return "same"


def _levels(counts: Mapping[int, int]) -> tuple[int, ...]:
    return tuple(int(counts.get(level, 0)) for level in LEVELS)


def satisfied_share(counts: Mapping[int, int]) -> tuple[int, float | None]:
    """(answers, share at levels 4–5) of a 5-level item, without an interval."""
    per_level = _levels(counts)
    n = sum(per_level)
    return n, (sum(per_level[SATISFIED_FROM - 1 :]) / n if n else None)


def scale_summary(
    counts: Mapping[int, int], min_n: int = DEFAULT_MIN_N, *, with_mean: bool = True
) -> ScaleSummary:
    """Summary of a 5-level item from ``{level: count}`` (other keys are ignored)."""
    per_level = _levels(counts)
    n = sum(per_level)
    mean = None
    if with_mean:
        mean = t_interval(np.repeat(np.asarray(LEVELS, dtype=float), per_level))
    return ScaleSummary(
        n=n,
        counts=per_level,
        satisfied=wilson_interval(sum(per_level[SATISFIED_FROM - 1 :]), n),
        mean=mean,
        reliable=is_reliable_n(n, min_n),
    )


def share_of(successes: int, n: int, min_n: int = DEFAULT_MIN_N) -> tuple[Interval, bool]:
    """Wilson interval of ``successes / n`` and whether ``n`` is large enough."""
    return wilson_interval(successes, n), is_reliable_n(n, min_n)


def factor_indices(
    items: Mapping[str, tuple[str, int, float | None]],
    alphas: Mapping[str, AlphaResult],
    min_n: int = DEFAULT_MIN_N,
) -> list[FactorIndex]:
    """Index per factor A–E from ``{item key: (factor, answers, share satisfied)}``.

    Factors without items are skipped. An item with no answers does not enter the mean;
    a factor with no answered item has ``index`` None. ``reliable`` needs every averaged
    item to have ``min_n`` answers.
    """
    result = []
    for factor in FACTORS:
        members = [(key, n, share) for key, (f, n, share) in items.items() if f == factor]
        if not members:
            continue
        shares = [share for _k, _n, share in members if share is not None]
        index = 100.0 * float(np.mean(shares)) if shares else None
        n_min = min((n for _k, n, _s in members if n > 0), default=0)
        result.append(
            FactorIndex(
                factor=factor,
                items=tuple(k for k, _n, _s in members),
                index=index,
                n_min=n_min,
                alpha=alphas.get(factor),
                reliable=index is not None and is_reliable_n(n_min, min_n),
            )
        )
    return result


def overall_index(factors: Sequence[FactorIndex]) -> float | None:
    """The mean of the factor indices that have a value (None when none has)."""
    values = [f.index for f in factors if f.index is not None]
    return float(np.mean(values)) if values else None


def seed_result(
    definition: SeedDefinition,
    choices: Mapping[str, int],
    numbers: Mapping[int, int],
    min_n: int = DEFAULT_MIN_N,
) -> SeedResult:
    """A seed indicator from its question's counts by choice and by number."""
    if definition.choice:
        n, hits = sum(choices.values()), choices.get(definition.choice, 0)
    else:
        n = sum(numbers.values())
        if definition.number_at_least is not None:
            hits = sum(c for v, c in numbers.items() if v >= definition.number_at_least)
        else:
            hits = numbers.get(definition.number_is, 0)
    share, reliable = share_of(hits, n, min_n)
    return SeedResult(definition, share, reliable)


def compare_levels(groups: Mapping[str, Mapping[int, int]]) -> KruskalResult:
    """Kruskal–Wallis (then pairwise Mann–Whitney, Holm) on 5-level counts per group."""
    arrays = {
        name: np.repeat(np.asarray(LEVELS, dtype=float), [int(c.get(v, 0)) for v in LEVELS])
        for name, c in groups.items()
    }
    return kruskal_wallis(arrays)
