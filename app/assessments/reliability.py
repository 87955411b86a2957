"""Inter-rater reliability of assessment sheets, per criterion and on the percentage.

Rows (targets) are the officers scored in a round; in a **calibration** round they are
each (officer, scenario) pair, because there the assessors score the same staged or
recorded scenarios. Columns are the assessors. An assessor's several sheets on one target
are averaged; a missing cell is NaN. Only live submitted sheets count. Pooled over several
rounds (a rubric version's page), targets of different rounds stay apart.

The figures are those of :mod:`app.analytics.reliability`: the six Shrout & Fleiss ICCs
with 95 % confidence intervals (on the targets scored by every assessor) and
Krippendorff's alpha at the nominal, ordinal and interval levels (every rating). This
module only builds the matrices (one SQL query of plain columns) and classifies the
agreement per criterion; the plain-language reading is written (translated) on demand.
Anything not computable carries its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa
from flask_babel import gettext as _

from app.analytics.reliability import IccAnalysis, KrippendorffResult, icc, krippendorff_alpha
from app.extensions import db
from app.models import Round, Sheet, SheetState
from app.text import fold

LEVELS = ("nominal", "ordinal", "interval")
POOR_ICC, GOOD_ICC = 0.5, 0.75  # Koo & Li (2016) bands, as describe_agreement
POOR_ALPHA, GOOD_ALPHA = 0.667, 0.8  # Krippendorff (2004)


@dataclass(frozen=True)
class SheetRow:
    """The columns of a live submitted sheet that reliability needs."""

    target: tuple[int, int, str]  # (round, person, scenario in a calibration round else "")
    assessor_id: int
    scores: dict[str, int]
    percent: float | None


@dataclass
class CriterionReliability:
    number: int  # 1-based position in the rubric, as on the sheet
    key: str
    title: str
    icc: IccAnalysis
    alphas: dict[str, KrippendorffResult]
    agreement: str  # "poor" | "moderate" | "good" | "not_computable"

    @property
    def alpha(self) -> KrippendorffResult:
        """Ordinal alpha: the levels are ordered categories."""
        return self.alphas["ordinal"]

    @property
    def poor(self) -> bool:
        """Agreement is poor: the assessors need calibration on this criterion."""
        return self.agreement == "poor"

    @property
    def reading(self) -> str:
        """The plain-language sentence (translated: needs a request)."""
        return reading_text(self)


@dataclass
class Reliability:
    n_targets: int
    n_assessors: int
    overall: IccAnalysis  # on the sheets' weighted percentages
    criteria: list[CriterionReliability]
    shared: bool  # some target was scored by at least two assessors

    @property
    def n_people(self) -> int:
        return self.n_targets

    @property
    def reason(self) -> str | None:
        """Why nothing is computable, or None (translated: needs a request)."""
        if self.shared:
            return None
        return _("không tính được: chưa có ai được từ 2 đánh giá viên chấm")


def sheet_rows(round_ids: Sequence[int]) -> list[SheetRow]:
    """The live submitted sheets of these rounds, as plain rows."""
    stmt = (
        sa.select(
            Sheet.round_id, Sheet.person_id, Sheet.scenario, Round.calibration,
            Sheet.assessor_id, Sheet.scores, Sheet.percent,
        )
        .join(Round, Round.id == Sheet.round_id)
        .where(
            Sheet.round_id.in_(list(round_ids)),
            Sheet.state == SheetState.SUBMITTED,
            Sheet.live_key.is_not(None),
        )
        .order_by(Sheet.id)
    )  # fmt: skip
    return [
        SheetRow((rid, pid, fold(scenario) if calibration else ""), aid, scores or {}, percent)
        for rid, pid, scenario, calibration, aid, scores, percent in db.session.execute(stmt)
    ]


def ratings_matrix(rows: list[SheetRow], value: Callable[[SheetRow], Any]) -> np.ndarray:
    """targets × assessors; several sheets in one cell are averaged, a missing cell is NaN."""
    targets = sorted({r.target for r in rows})
    raters = sorted({r.assessor_id for r in rows})
    t_index = {t: i for i, t in enumerate(targets)}
    r_index = {a: i for i, a in enumerate(raters)}
    cells: dict[tuple[int, int], list[float]] = {}
    for row in rows:
        v = value(row)
        if v is not None:
            cells.setdefault((t_index[row.target], r_index[row.assessor_id]), []).append(float(v))
    out = np.full((len(targets), len(raters)), np.nan)
    for (i, j), values in cells.items():
        out[i, j] = sum(values) / len(values)
    return out


def agreement_of(icc_value: float | None, alpha: float | None) -> str:
    """ "poor" when ICC(2,1) < 0.5 or alpha < 0.667 (either suffices), "moderate" below 0.75
    or 0.8, "good" otherwise, "not_computable" when neither exists."""
    if icc_value is None and alpha is None:
        return "not_computable"
    if (icc_value is not None and icc_value < POOR_ICC) or (
        alpha is not None and alpha < POOR_ALPHA
    ):
        return "poor"
    if (icc_value is not None and icc_value < GOOD_ICC) or (
        alpha is not None and alpha < GOOD_ALPHA
    ):
        return "moderate"
    return "good"


def reading_text(c: CriterionReliability) -> str:
    """ "Mức đồng thuận kém: cần tập huấn lại tiêu chí 3 (…)." and the like."""
    n, t = c.number, c.title
    if c.agreement == "not_computable":
        reason = c.icc.reason or c.alpha.reason or ""
        return _("Tiêu chí %(n)d (%(t)s): không tính được — %(r)s", n=n, t=t, r=reason)
    if c.agreement == "poor":
        return _("Mức đồng thuận kém: cần tập huấn lại tiêu chí %(n)d (%(t)s).", n=n, t=t)
    if c.agreement == "moderate":
        return _(
            "Mức đồng thuận trung bình ở tiêu chí %(n)d (%(t)s): nên thống nhất lại cách chấm.",
            n=n, t=t,
        )  # fmt: skip
    return _("Mức đồng thuận tốt ở tiêu chí %(n)d (%(t)s).", n=n, t=t)


def _criterion(number: int, crit: dict[str, Any], rows: list[SheetRow]) -> CriterionReliability:
    data = ratings_matrix(rows, lambda r: r.scores.get(crit["key"]))
    analysis = icc(data)
    alphas = {level: krippendorff_alpha(data, level) for level in LEVELS}
    agreement = agreement_of(analysis.value("icc2_1"), alphas["ordinal"].alpha)
    return CriterionReliability(number, crit["key"], crit["title"], analysis, alphas, agreement)


def reliability_of(criteria: list[dict[str, Any]], rows: list[SheetRow]) -> Reliability:
    """ICCs and alphas per criterion of ``criteria`` and ICCs on the percentage."""
    raters: dict[tuple, set[int]] = {}
    for row in rows:
        raters.setdefault(row.target, set()).add(row.assessor_id)
    shared = any(len(r) >= 2 for r in raters.values())
    per_criterion = [_criterion(i, c, rows) for i, c in enumerate(criteria, start=1)]
    overall = icc(ratings_matrix(rows, lambda r: r.percent))
    n_assessors = len({r.assessor_id for r in rows})
    return Reliability(len(raters), n_assessors, overall, per_criterion, shared)


def round_reliability(rnd: Round) -> Reliability:
    """Reliability of one round's live submitted sheets."""
    return reliability_of(rnd.rubric_version.criteria, sheet_rows([rnd.id]))


def pooled_reliability(criteria: list[dict[str, Any]], rounds: Sequence[Round]) -> Reliability:
    """Reliability over several rounds on the same rubric version (targets kept apart)."""
    return reliability_of(criteria, sheet_rows([r.id for r in rounds]))
