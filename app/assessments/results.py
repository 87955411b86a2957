"""Results of a round: per-officer verdicts, disagreement flags and inter-rater reliability.

Only *live submitted* sheets count (a corrected sheet is replaced by its newest revision;
drafts never count). An officer's percentage is the mean of their sheets' percentages;
a criterion is flagged for a moderation note when the highest and lowest levels given to
that officer differ by at least the rubric version's ``disagreement_levels``.
Reliability uses :mod:`app.analytics.reliability` on a people × assessors matrix (an
assessor's several sheets for one person are averaged; a missing cell is NaN).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa

from app.analytics.reliability import (
    IccAnalysis,
    KrippendorffResult,
    describe_agreement,
    icc,
    krippendorff_alpha,
)
from app.extensions import db
from app.models import Person, Round, Sheet, SheetState


@dataclass(frozen=True)
class CriterionSpread:
    key: str
    title: str
    low: int
    high: int
    flagged: bool


@dataclass
class OfficerResult:
    person_id: int
    n_sheets: int
    percent: float | None  # None: no submitted sheet yet ("missing", never "passed")
    passed: bool | None
    spreads: list[CriterionSpread] = field(default_factory=list)

    @property
    def flagged(self) -> list[str]:
        return [s.key for s in self.spreads if s.flagged]


def live_submitted(round_id: int, person_id: int | None = None) -> list[Sheet]:
    """The sheets that count: submitted and not superseded, by person then assessor."""
    stmt = sa.select(Sheet).where(
        Sheet.round_id == round_id,
        Sheet.state == SheetState.SUBMITTED,
        Sheet.live_key.is_not(None),
    )
    if person_id is not None:
        stmt = stmt.where(Sheet.person_id == person_id)
    return list(db.session.scalars(stmt.order_by(Sheet.person_id, Sheet.assessor_id, Sheet.id)))


def _result(rnd: Round, person_id: int, sheets: list[Sheet]) -> OfficerResult:
    version = rnd.rubric_version
    if not sheets:
        return OfficerResult(person_id, 0, None, None)
    percent = sum(s.percent or 0.0 for s in sheets) / len(sheets)
    spreads = []
    for crit in version.criteria:
        levels = [s.scores[crit["key"]] for s in sheets if crit["key"] in s.scores]
        low, high = min(levels), max(levels)
        flagged = high - low >= version.disagreement_levels
        spreads.append(CriterionSpread(crit["key"], crit["title"], low, high, flagged))
    passed = percent >= version.pass_threshold - 1e-9
    return OfficerResult(person_id, len(sheets), percent, passed, spreads)


def officer_result(rnd: Round, person_id: int) -> OfficerResult:
    """Mean percentage, pass/fail against the rubric threshold and disagreement flags."""
    return _result(rnd, person_id, live_submitted(rnd.id, person_id))


def round_results(rnd: Round) -> list[tuple[Person, OfficerResult]]:
    """Every officer with at least one submitted sheet, sorted by given name."""
    by_person: dict[int, list[Sheet]] = {}
    for sheet in live_submitted(rnd.id):
        by_person.setdefault(sheet.person_id, []).append(sheet)
    people = db.session.scalars(
        sa.select(Person).where(Person.id.in_(by_person)).order_by(Person.sort_key)
    )
    return [(p, _result(rnd, p.id, by_person[p.id])) for p in people]


@dataclass
class CriterionReliability:
    key: str
    title: str
    icc: IccAnalysis
    alpha: KrippendorffResult  # ordinal: the levels are ordered categories
    reading: str


@dataclass
class RoundReliability:
    n_people: int
    n_assessors: int
    overall: IccAnalysis  # on the sheets' percentages
    criteria: list[CriterionReliability]
    reason: str | None  # why nothing is computable (fewer than 2 assessors on a person)


def _matrix(sheets: list[Sheet], value) -> np.ndarray:
    people = sorted({s.person_id for s in sheets})
    raters = sorted({s.assessor_id for s in sheets})
    cells: dict[tuple[int, int], list[float]] = {}
    for s in sheets:
        v = value(s)
        if v is not None:
            cells.setdefault((s.person_id, s.assessor_id), []).append(float(v))
    out = np.full((len(people), len(raters)), np.nan)
    for (p, r), vals in cells.items():
        out[people.index(p), raters.index(r)] = sum(vals) / len(vals)
    return out


def _reading(title: str, analysis: IccAnalysis, alpha: KrippendorffResult) -> str:
    estimate = analysis.estimates.get("icc2_1")
    text = f"{title}: {describe_agreement(estimate.value if estimate else None)}"
    if alpha.alpha is not None and alpha.alpha < 0.667:
        text += " — các đánh giá viên cần tập huấn thống nhất cách chấm tiêu chí này"
    return text


def round_reliability(rnd: Round) -> RoundReliability:
    """ICC and Krippendorff's alpha per criterion and on the percentage, for one round."""
    sheets = live_submitted(rnd.id)
    raters_per_person: dict[int, set[int]] = {}
    for s in sheets:
        raters_per_person.setdefault(s.person_id, set()).add(s.assessor_id)
    shared = any(len(r) >= 2 for r in raters_per_person.values())
    reason = None if shared else "không tính được: chưa có người nào được từ 2 đánh giá viên chấm"
    criteria = []
    for crit in rnd.rubric_version.criteria:
        data = _matrix(sheets, lambda s, k=crit["key"]: s.scores.get(k))
        analysis, alpha = icc(data), krippendorff_alpha(data, "ordinal")
        reading = _reading(crit["title"], analysis, alpha)
        criteria.append(CriterionReliability(crit["key"], crit["title"], analysis, alpha, reading))
    overall = icc(_matrix(sheets, lambda s: s.percent))
    n_raters = len({s.assessor_id for s in sheets})
    return RoundReliability(len(raters_per_person), n_raters, overall, criteria, reason)
