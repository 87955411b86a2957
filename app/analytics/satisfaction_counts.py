"""``count_rows``: a GROUP BY of survey answers (or responses) for a ``ResponseFilter``,
read from the rollups wherever they can answer it.

The filter's dates (clamped to the days that have responses at all) are cut at month
boundaries. Of each month, the days the rollups hold (up to the month's ``through``: closed
days) come from them and the later days (today, and any day after the last build) from the
raw tables. Reports that neither filter nor group by officer, counter or procedure read
the held days from the running totals (two days' rows per month, whatever the range:
``app.analytics.satisfaction_sums``); the others read a wholly held month from the monthly
rows and the held days of a month the range cuts from the daily rows. The parts are added.
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
from app.analytics.satisfaction_sums import is_lean, sums_select
from app.extensions import db
from app.models import SurveyAnswer, SurveyResponse, Unit
from app.models.surveys import SurveyRollup, SurveyRollupDay
from app.surveys.queries import ResponseFilter, response_conditions

Span = tuple[date, date]  # inclusive days
Held = tuple[date, date, bool]  # inclusive days held by the rollups; whole month rows?


def _data_days() -> Span | None:
    """The first and last day that has a response (two index lookups: SQLite reads an index
    for min() or max() alone, not for both in one query)."""
    low = db.session.scalar(sa.select(sa.func.min(SurveyResponse.day)))
    high = db.session.scalar(sa.select(sa.func.max(SurveyResponse.day)))
    return None if low is None else (as_date(low), as_date(high))


def _parts(f: ResponseFilter) -> tuple[list[Held], list[Span]]:
    """(spans the rollups hold, one per month at most; spans to read raw) covering the
    filter's dates where responses exist."""
    bounds = _data_days()
    if bounds is None:
        return [], []
    low, high = max(f.start or bounds[0], bounds[0]), min(f.end or bounds[1], bounds[1])
    built = built_months()
    held: list[Held] = []
    raw: list[Span] = []
    month = month_start(low)
    while low <= high and month <= high:
        first, last = max(low, month), min(high, next_month(month) - timedelta(days=1))
        b = built.get(month)
        through = b.through if b else month - timedelta(days=1)
        if first <= min(last, through):
            # no responses before the first day with any: the month's start is covered
            start = month if low == bounds[0] else first
            whole = b.summed and start == month and (last >= through or high == bounds[1])
            held.append((start, min(last, through), whole))
        if max(first, through + timedelta(days=1)) <= last:
            span = (max(first, through + timedelta(days=1)), last)
            if raw and raw[-1][1] + timedelta(days=1) == span[0]:
                span = (raw.pop()[0], span[1])  # one span for consecutive raw days
            raw.append(span)
        month = next_month(month)
    return held, raw


def plan(f: ResponseFilter) -> tuple[list[date], list[Span], list[Span]]:
    """(months read from the monthly rows, spans read from the daily rows, spans read raw)
    by a report that cannot use the running totals."""
    held, raw = _parts(f)
    months = [month_start(first) for first, _last, whole in held if whole]
    days = [(first, last) for first, last, whole in held if not whole]
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
    held, raw = _parts(f)
    statements = []
    if held and is_lean(f, dims):
        dialect = db.engine.dialect.name
        statements.append(
            sums_select(
                f,
                dims,
                [(first, last) for first, last, _whole in held],
                lambda column: _question_filter(column, question_ids, responses),
                lambda column: month_of(column, dialect),
            )
        )
    elif held:
        months = [month_start(first) for first, _last, whole in held if whole]
        days = [(first, last) for first, last, whole in held if not whole]
        for table, dated in (
            (SurveyRollup, SurveyRollup.month.in_(months) if months else None),
            (SurveyRollupDay, _within(SurveyRollupDay.day, days) if days else None),
        ):
            if dated is not None:
                statements.append(_rollup_select(f, dims, table, dated, question_ids, responses))
    if raw:
        statements.append(_raw_select(f, dims, raw, question_ids, responses))
    result: dict[tuple, int] = {}
    for stmt in statements:
        for row in db.session.execute(stmt):
            key = tuple(as_date(v) if d == "month" else v for d, v in zip(dims, row, strict=False))
            result[key] = result.get(key, 0) + int(row[-1])
    return {key: n for key, n in result.items() if n}
