"""Monthly rollups of survey answer counts, so a report never rescans a million responses.

Each month is summed once into ``survey_rollups``: answer counts per unit, officer,
channel, kind, verified, flagged, procedure, version, question, choice and number, plus
response counts (rows with no question). ``survey_rollup_months`` keeps, per built month,
the stamp of the responses it summed (how many, how many flagged); ``refresh_rollups``
rebuilds a month whose stamp changed and drops months whose responses are gone. Code that
edits the answers of past responses in place should call ``invalidate_months``.

``count_rows`` answers a GROUP BY for a ``ResponseFilter``: the whole months the filter
covers come from the rollups, every other day (partial months at the edges of a date
range, months not built yet) from the raw tables; the two are added. The current month is
rebuilt at a check when it got new responses, so figures lag at most one check interval.
Callers (routes, CLI) commit after ``refresh_rollups``: a rollup is a cache, and the
request that refreshes it owns the transaction.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import SurveyAnswer, SurveyResponse, Unit
from app.models.surveys import SurveyRollup, SurveyRollupMonth
from app.surveys.queries import ResponseFilter, response_conditions

DIMENSIONS = (
    "unit_id", "officer_id", "channel_id", "channel_kind", "verified", "flagged",
    "procedure", "version_id",
)  # fmt: skip
ANSWER_DIMS = ("question_id", "choice", "number")
LOCK_KEY = 720_460_001  # pg_advisory_xact_lock key of rollup maintenance
_last_check: dict[str, float] = {}


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_of(column, dialect: str) -> sa.ColumnElement:
    """SQL: the first day of ``column``'s month (a date on PostgreSQL, text on SQLite)."""
    # literal SQL words, not parameters: the same expression must match in GROUP BY
    if dialect == "sqlite":
        return sa.func.date(column, sa.literal_column("'start of month'"))
    return sa.cast(sa.func.date_trunc(sa.literal_column("'month'"), column), sa.Date)


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _stamps() -> dict[date, tuple[int, int]]:
    """Per month: (responses, flagged) as the raw table has them now."""
    r = SurveyResponse
    m = month_of(r.day, db.engine.dialect.name).label("m")
    flagged = sa.func.sum(sa.case((r.flagged.is_(True), 1), else_=0))
    stmt = sa.select(m, sa.func.count(), flagged).group_by(m)
    return {as_date(row[0]): (int(row[1]), int(row[2] or 0)) for row in db.session.execute(stmt)}


def _built() -> dict[date, tuple[int, int]]:
    rows = db.session.execute(
        sa.select(SurveyRollupMonth.month, SurveyRollupMonth.responses, SurveyRollupMonth.flagged)
    )
    return {as_date(m): (int(n), int(f)) for m, n, f in rows}


def _differences() -> tuple[dict[date, tuple[int, int]], list[date]]:
    stamps, built = _stamps(), _built()
    stale = {m: s for m, s in stamps.items() if built.get(m) != s}
    gone = [m for m in built if m not in stamps]
    return stale, gone


def refresh_rollups(*, force: bool = False) -> int:
    """Build or rebuild the months whose responses changed; returns how many changed.

    The current month is rebuilt whenever new responses arrived, so reports lag at most
    one check behind. Checks at most every ``SATISFACTION_ROLLUP_CHECK_SECONDS`` (60) per
    process and database unless ``force``. Writes through the session; the caller commits.
    """
    key = str(db.engine.url)
    every = current_app.config.get("SATISFACTION_ROLLUP_CHECK_SECONDS", 60)
    if not force and time.monotonic() - _last_check.get(key, -1e9) < every:
        return 0
    stale, gone = _differences()
    postgres = db.engine.dialect.name == "postgresql"
    if stale or gone:
        if postgres:  # one maintainer at a time; then look again
            db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_KEY)))
            stale, gone = _differences()
        for month in gone:
            _drop_month(month)
        for month, stamp in sorted(stale.items()):
            _build_month(month, stamp)
        if postgres and stale:  # fresh statistics, or the planner guesses a handful of rows
            db.session.execute(sa.text("ANALYZE survey_rollups"))
    _last_check[key] = time.monotonic()
    return len(stale) + len(gone)


def invalidate_months(days: Collection[date]) -> None:
    """Forget the rollups of the months of ``days`` (answers edited in place there)."""
    for month in {month_start(d) for d in days}:
        _drop_month(month)
    _last_check.clear()


def _drop_month(month: date) -> None:
    db.session.execute(sa.delete(SurveyRollup).where(SurveyRollup.month == month))
    db.session.execute(sa.delete(SurveyRollupMonth).where(SurveyRollupMonth.month == month))


def _build_month(month: date, stamp: tuple[int, int]) -> None:
    _drop_month(month)
    r, a = SurveyResponse, SurveyAnswer
    dims = [getattr(r, d) for d in DIMENSIONS]
    in_month = (r.day >= month, r.day < next_month(month))
    label = sa.literal(month, sa.Date)
    answers = (
        sa.select(label, *dims, a.question_id, a.choice, a.number, sa.func.count())
        .select_from(a)
        .join(r, r.id == a.response_id)
        .where(*in_month)
        .group_by(*dims, a.question_id, a.choice, a.number)
    )
    responses = (
        sa.select(label, *dims, sa.null(), sa.literal(""), sa.null(), sa.func.count())
        .where(*in_month)
        .group_by(*dims)
    )
    columns = ["month", *DIMENSIONS, *ANSWER_DIMS, "n"]
    for stmt in (answers, responses):
        db.session.execute(sa.insert(SurveyRollup).from_select(columns, stmt))
    db.session.add(SurveyRollupMonth(month=month, responses=stamp[0], flagged=stamp[1]))
    db.session.flush()


def _coverage(f: ResponseFilter) -> tuple[list[date], list[tuple[date | None, date | None]]]:
    """(built months wholly inside the filter's dates, the day ranges left to the raw tables)."""
    covered = [
        m
        for m in sorted(_built())
        if (f.start is None or m >= f.start)
        and (f.end is None or next_month(m) - timedelta(days=1) <= f.end)
    ]
    gaps: list[tuple[date | None, date | None]] = []
    low = f.start
    for month in covered:
        if low is None or low < month:
            gaps.append((low, month - timedelta(days=1)))
        low = next_month(month)
    if f.end is None or low is None or low <= f.end:
        gaps.append((low, f.end))
    return covered, gaps


def _question_filter(column, question_ids: Collection[int] | None, responses: bool):
    if responses:
        return column.is_(None)
    if question_ids is not None:
        return column.in_(sorted(question_ids))
    return column.is_not(None)


def _raw_select(
    f: ResponseFilter, dims: Sequence[str], gaps: list, question_ids, responses: bool
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
    return stmt.where(sa.or_(*(_within(low, high) for low, high in gaps))).group_by(*picked)


def _within(low: date | None, high: date | None) -> sa.ColumnElement[bool]:
    day = SurveyResponse.day
    parts = ([day >= low] if low else []) + ([day <= high] if high else [])
    return sa.and_(sa.true(), *parts)


def _rollup_select(
    f: ResponseFilter, dims: Sequence[str], covered: list[date], question_ids, responses: bool
) -> sa.Select:
    s = SurveyRollup
    picked = [getattr(s, d) for d in dims]
    return (
        sa.select(*picked, sa.func.sum(s.n))
        .join(Unit, Unit.id == s.unit_id)
        .where(*response_conditions(f, src=SurveyRollup), s.month.in_(covered))
        .where(_question_filter(s.question_id, question_ids, responses))
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
    covered, gaps = _coverage(f)
    statements = []
    if covered:
        statements.append(_rollup_select(f, dims, covered, question_ids, responses))
    if gaps:
        statements.append(_raw_select(f, dims, gaps, question_ids, responses))
    result: dict[tuple, int] = {}
    for stmt in statements:
        for row in db.session.execute(stmt):
            key = tuple(as_date(v) if d == "month" else v for d, v in zip(dims, row, strict=False))
            result[key] = result.get(key, 0) + int(row[-1])
    return result
