"""``count_rows``: a GROUP BY of survey answers (or responses) for a ``ResponseFilter``,
read from the rollups wherever they can answer it.

The filter's dates (clamped to the days that have responses at all) are cut at month
boundaries: a whole built month comes from the monthly rollups, the days of a built month
that the range cuts from the daily rollups, and only the days of months not built yet
(normally none: ``refresh_rollups`` builds every month with responses) from the raw
tables; the parts are added. A report from 15 March to 14 September thus reads 17 + 14
days of day rows and five month rows per group, never the answers themselves.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta

import sqlalchemy as sa

from app.analytics.satisfaction_rollup import (
    ANSWER_DIMS,
    as_date,
    built_months,
    month_of,
    month_start,
    next_month,
)
from app.extensions import db
from app.models import SurveyAnswer, SurveyResponse, Unit
from app.models.surveys import SurveyRollup, SurveyRollupDay
from app.surveys.queries import ResponseFilter, response_conditions

Span = tuple[date, date]  # inclusive days


def _data_days() -> Span | None:
    """The first and last day that has a response (two index lookups: SQLite reads an index
    for min() or max() alone, not for both in one query)."""
    low = db.session.scalar(sa.select(sa.func.min(SurveyResponse.day)))
    high = db.session.scalar(sa.select(sa.func.max(SurveyResponse.day)))
    return None if low is None else (as_date(low), as_date(high))


def plan(f: ResponseFilter) -> tuple[list[date], list[Span], list[Span]]:
    """(whole built months, spans of days of built months, spans of days not built) that
    together cover the filter's dates where responses exist."""
    bounds = _data_days()
    if bounds is None:
        return [], [], []
    low, high = max(f.start or bounds[0], bounds[0]), min(f.end or bounds[1], bounds[1])
    built = set(built_months())
    months: list[date] = []
    days: list[Span] = []
    raw: list[Span] = []
    month = month_start(low)
    while low <= high and month <= high:
        last = next_month(month) - timedelta(days=1)
        span = (max(low, month), min(high, last))
        if month not in built:
            if raw and raw[-1][1] + timedelta(days=1) == span[0]:
                span = (raw.pop()[0], span[1])  # one span for consecutive raw days
            raw.append(span)
        elif span == (month, last):
            months.append(month)
        else:
            days.append(span)
        month = next_month(month)
    return months, days, raw


def _question_filter(column, question_ids: Collection[int] | None, responses: bool):
    if responses:
        return column.is_(None)
    if question_ids is not None:
        return column.in_(sorted(question_ids))
    return column.is_not(None)


def _within(day_column, spans: list[Span]) -> sa.ColumnElement[bool]:
    return sa.or_(*(day_column.between(low, high) for low, high in spans))


def _raw_select(
    f: ResponseFilter, dims: Sequence[str], spans: list[Span], question_ids, responses: bool
) -> sa.Select:
    r, a = SurveyResponse, SurveyAnswer
    columns = {
        "month": month_of(r.day, db.engine.dialect.name),
        "unit_id": r.unit_id,
        "officer_id": r.officer_id,
        **{d: getattr(a, d) for d in ANSWER_DIMS},
    }
    picked = [columns[d] for d in dims]
    stmt = sa.select(*picked, sa.func.count()).select_from(r)
    if not responses:
        stmt = stmt.join(a, a.response_id == r.id)
        stmt = stmt.where(_question_filter(a.question_id, question_ids, False))
    stmt = stmt.join(Unit, Unit.id == r.unit_id).where(*response_conditions(f))
    return stmt.where(_within(r.day, spans)).group_by(*picked)


def _rollup_select(
    f: ResponseFilter, dims: Sequence[str], table, dated, question_ids, responses: bool
) -> sa.Select:
    """The sums of ``table`` (monthly or daily rollups) grouped by ``dims``, ``dated`` being
    its condition on dates."""
    month = table.month if table is SurveyRollup else month_of(table.day, db.engine.dialect.name)
    picked = [month if d == "month" else getattr(table, d) for d in dims]
    return (
        sa.select(*picked, sa.func.sum(table.n))
        .join(Unit, Unit.id == table.unit_id)
        .where(*response_conditions(f, src=table), dated)
        .where(_question_filter(table.question_id, question_ids, responses))
        .group_by(*picked)
    )


def count_rows(
    f: ResponseFilter,
    dims: Sequence[str],
    question_ids: Collection[int] | None = None,
    *,
    responses: bool = False,
) -> dict[tuple, int]:
    """``{(dim values…): count}`` of answers (or, with ``responses``, of responses).

    ``dims`` among month, unit_id, officer_id and, for answers, question_id, choice,
    number; ``question_ids`` restricts the answers counted. Months come back as dates.
    """
    months, days, raw = plan(f)
    statements = []
    if months:
        dated = SurveyRollup.month.in_(months)
        statements.append(_rollup_select(f, dims, SurveyRollup, dated, question_ids, responses))
    if days:
        dated = _within(SurveyRollupDay.day, days)
        statements.append(_rollup_select(f, dims, SurveyRollupDay, dated, question_ids, responses))
    if raw:
        statements.append(_raw_select(f, dims, raw, question_ids, responses))
    result: dict[tuple, int] = {}
    for stmt in statements:
        for row in db.session.execute(stmt):
            key = tuple(as_date(v) if d == "month" else v for d, v in zip(dims, row, strict=False))
            result[key] = result.get(key, 0) + int(row[-1])
    return result
