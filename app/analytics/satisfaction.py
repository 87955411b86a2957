"""The satisfaction report: SQL counts in, estimates with intervals out.

All counting is GROUP BY in SQL (``satisfaction_counts.count_rows``: the rollups for the
days they hold, raw rows for today and days not built yet); Python only turns a few thousand count
rows into statistics (``satisfaction_stats``). A question is identified by its key across
the versions of one questionnaire, so a report spans version changes. Cronbach's alpha is
computed on a sample of responses (``satisfaction_alpha``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import sqlalchemy as sa

from app.analytics.compare import KruskalResult
from app.analytics.intervals import Interval, t_interval
from app.analytics.satisfaction_alpha import factor_alphas
from app.analytics.satisfaction_counts import count_rows
from app.analytics.satisfaction_groups import GroupRow, officer_rows, unit_groups
from app.analytics.satisfaction_stats import (
    SEED_INDICATORS,
    FactorIndex,
    ScaleSummary,
    SeedResult,
    factor_indices,
    overall_index,
    satisfied_share,
    scale_summary,
    seed_result,
    share_of,
)
from app.extensions import db
from app.models import (
    QuestionnaireVersion,
    QuestionType,
    SurveyQuestion,
    Unit,
)
from app.surveys.queries import ResponseFilter

OVERALL_KEY = "overall"


@dataclass(frozen=True)
class Question:
    """A question of a questionnaire by key, over all its versions (newest wording)."""

    key: str
    text: str
    qtype: QuestionType
    factor: str
    options: tuple[tuple[str, str], ...]
    ids: tuple[int, ...]
    rates_officer: bool

    def label(self, value) -> str:
        if self.qtype is QuestionType.YES_NO:
            return "Có" if value == 1 else "Không"
        return dict(self.options).get(str(value), str(value))


@dataclass
class QuestionResult:
    """One question's answers: counts per value, and the estimates its type allows."""

    question: Question
    n: int
    counts: dict = field(default_factory=dict)  # level / number / choice -> count
    scale: ScaleSummary | None = None
    shares: list[tuple[str, int, Interval]] = field(default_factory=list)  # label, count, CI
    mean: Interval | None = None


@dataclass
class TrendPoint:
    label: str
    n: int
    overall: ScaleSummary | None
    index: float | None


@dataclass
class SatisfactionReport:
    filter: ResponseFilter
    n: int
    questions: list[QuestionResult]
    factors: list[FactorIndex]
    index: float | None
    seeds: list[SeedResult]
    trend: list[TrendPoint]
    compare_question: Question | None
    units: list[GroupRow]
    comparison: KruskalResult | None
    compare_note: str
    officers: list[GroupRow]
    alpha_sampled: bool

    @property
    def officer_level(self) -> bool:
        """A report about one officer: percentages below n = 30 are never shown."""
        return self.filter.officer_id is not None


def questions_of(questionnaire_id: int) -> list[Question]:
    """The questions of every version, merged by key, in the newest version's order."""
    stmt = (
        sa.select(SurveyQuestion)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == SurveyQuestion.version_id)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
        .order_by(QuestionnaireVersion.number.desc(), SurveyQuestion.position)
    )
    merged: dict[str, Question] = {}
    for q in db.session.scalars(stmt):
        if q.key in merged:
            old = merged[q.key]
            merged[q.key] = Question(**{**old.__dict__, "ids": (*old.ids, q.id)})
            continue
        options = tuple((str(o["value"]), str(o.get("label", o["value"]))) for o in q.options)
        merged[q.key] = Question(
            q.key, q.text, q.qtype, q.factor, options, (q.id,), q.rates_officer
        )
    return list(merged.values())


def _by_question(rows: dict[tuple, int], questions: list[Question]) -> dict[str, dict]:
    """{key: {value: count}} from (question_id, choice, number) rows."""
    owner = {qid: q for q in questions for qid in q.ids}
    counts: dict[str, dict] = {q.key: defaultdict(int) for q in questions}
    for (qid, choice, number), n in rows.items():
        q = owner.get(qid)
        if q is None:
            continue
        value = choice if q.qtype in (QuestionType.SINGLE, QuestionType.MULTI) else number
        counts[q.key][value] += n
    return counts


def question_result(q: Question, counts: dict) -> QuestionResult:
    """The estimates of one question from its value counts."""
    n = sum(counts.values())
    result = QuestionResult(q, n, dict(counts))
    if q.qtype is QuestionType.SCALE5:
        result.scale = scale_summary(counts)
        result.mean = result.scale.mean
    elif q.qtype is QuestionType.NUMBER:
        values = np.repeat([float(v) for v in counts], list(counts.values()))
        result.mean = t_interval(values)
        result.shares = [(str(v), c, share_of(c, n)[0]) for v, c in sorted(counts.items())]
    elif q.qtype is not QuestionType.TEXT:
        values = [v for v, _l in q.options] if q.options else sorted(counts, reverse=True)
        keyed = {str(k): c for k, c in counts.items()}
        result.shares = [
            (q.label(v), keyed.get(str(v), 0), share_of(keyed.get(str(v), 0), n)[0]) for v in values
        ]
    return result


def _scale_items(questions: list[Question], counts: dict[str, dict]) -> dict:
    """{key: (factor, answers, share satisfied)} of the 5-level items with a factor."""
    return {
        q.key: (q.factor, *satisfied_share(counts[q.key]))
        for q in questions
        if q.qtype is QuestionType.SCALE5 and q.factor
    }


def _seeds(questions: list[Question], counts: dict[str, dict]) -> list[SeedResult]:
    known = {q.key: q for q in questions}
    results = []
    for definition in SEED_INDICATORS:
        q = known.get(definition.question)
        if q is None:
            continue
        c = counts[q.key]
        choices = {str(k): v for k, v in c.items() if isinstance(k, str)}
        numbers = {k: v for k, v in c.items() if isinstance(k, int)}
        results.append(seed_result(definition, choices, numbers))
    return results


def satisfaction_report(
    f: ResponseFilter, *, trend_periods: list | None = None, parent: Unit | None = None
) -> SatisfactionReport:
    """Everything the page, the downloads and the API show for filter ``f``.

    ``trend_periods``: Period rows to group the trend by (default: calendar months);
    ``parent``: the unit whose sub-units are compared (default: the caller's scope root).
    Six queries: responses per month, answers per month × question × value, the compared
    item per unit, the officer items per officer, the alpha matrix, and the unit list.
    """
    if db.engine.dialect.name == "postgresql":  # compiling to machine code costs seconds here
        db.session.execute(sa.text("SET LOCAL jit = off"))
    questions = questions_of(f.questionnaire_id) if f.questionnaire_id else []
    per_month = count_rows(f, ["month"], responses=True)
    n = sum(per_month.values())
    cube = count_rows(f, ["month", "question_id", "choice", "number"])
    totals: dict[tuple, int] = defaultdict(int)
    for (_month, *rest), c in cube.items():
        totals[tuple(rest)] += c
    counts = _by_question(totals, questions)
    alphas, sampled = factor_alphas(f, questions, n)
    factors = factor_indices(_scale_items(questions, counts), alphas)
    compare_q = _compare_question(questions)
    by_unit, by_officer = _group_counts(f, questions, compare_q)
    units, comparison, note = unit_groups(by_unit, parent, scoped=not f.unscoped)
    return SatisfactionReport(
        filter=f,
        n=n,
        questions=[question_result(q, counts[q.key]) for q in questions],
        factors=factors,
        index=overall_index(factors),
        seeds=_seeds(questions, counts),
        trend=_trend(questions, cube, per_month, trend_periods),
        compare_question=compare_q,
        units=units if compare_q else [],
        comparison=comparison,
        compare_note=note if compare_q else "",
        officers=officer_rows(by_officer),
        alpha_sampled=sampled,
    )


def _group_counts(f: ResponseFilter, questions: list[Question], compare_q: Question | None):
    """({unit_id: {level: n}} of the compared item, {officer_id: {level: n}} of the officer
    rating items); officers only when the report is not about one officer. Two GROUP BYs:
    the units' from the running totals, which have no officer (when the filter allows)."""
    officer_ids = set() if f.officer_id else {
        i for q in questions if q.rates_officer and q.qtype is QuestionType.SCALE5 for i in q.ids
    }  # fmt: skip
    by_unit: dict = defaultdict(lambda: defaultdict(int))
    by_officer: dict = defaultdict(lambda: defaultdict(int))
    if compare_q:
        for (unit_id, level), c in count_rows(f, ["unit_id", "number"], compare_q.ids).items():
            by_unit[unit_id][level] += c
    if officer_ids:
        rows = count_rows(f, ["officer_id", "number"], officer_ids)
        for (officer_id, level), c in rows.items():
            if officer_id is not None:
                by_officer[officer_id][level] += c
    return by_unit, by_officer


def _compare_question(questions: list[Question]) -> Question | None:
    scale = [q for q in questions if q.qtype is QuestionType.SCALE5]
    by_key = {q.key: q for q in scale}
    officer = [q for q in scale if q.rates_officer]
    return by_key.get(OVERALL_KEY) or (officer[0] if officer else None) or next(iter(scale), None)


def _trend(questions, cube: dict[tuple, int], per_month: dict, periods) -> list[TrendPoint]:
    """Per month (or per period: the months starting inside it), n, overall item, index."""
    buckets: dict[str, list[date]] = {}
    for month in sorted({key[0] for key in cube} | {key[0] for key in per_month}):
        if periods is None:
            buckets.setdefault(month.strftime("%m/%Y"), []).append(month)
        for p in periods or ():
            if p.starts_on <= month <= p.ends_on:
                buckets.setdefault(p.name, []).append(month)
    overall = next((q for q in questions if q.key == OVERALL_KEY), None)
    points = []
    for label, members in buckets.items():
        rows: dict[tuple, int] = defaultdict(int)
        for (month, *rest), c in cube.items():
            if month in members:
                rows[tuple(rest)] += c
        counts = _by_question(rows, questions)
        factors = factor_indices(_scale_items(questions, counts), {})
        points.append(
            TrendPoint(
                label,
                sum(per_month.get((m,), 0) for m in members),
                scale_summary(counts[overall.key], with_mean=False) if overall else None,
                overall_index(factors),
            )
        )
    return points
