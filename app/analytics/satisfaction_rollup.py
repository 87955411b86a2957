"""Monthly and daily rollups of survey answer counts, so a report never rescans a million
responses.

Each month is summed once into ``survey_rollup_days`` (per day) and, from those,
``survey_rollups`` (per month): answer counts per unit, officer, channel, kind, verified,
flagged, procedure, version, question, choice and number, plus response counts (rows with
no question). ``survey_rollup_months`` keeps, per built month,
the stamp of the responses it summed (how many, how many flagged); ``refresh_rollups``
rebuilds a month whose stamp changed and drops months whose responses are gone. Code that
edits the answers of past responses in place should call ``invalidate_months``.

Reading them is ``app.analytics.satisfaction_counts.count_rows``. A built month whose
responses changed (the current month, as responses arrive) has only the days whose counts
changed recounted, then its month rows summed again from the day rows; figures lag at
most one check interval.
Callers (routes, CLI) commit after ``refresh_rollups``: a rollup is a cache, and the
request that refreshes it owns the transaction.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import SurveyAnswer, SurveyResponse
from app.models.surveys import SurveyRollup, SurveyRollupDay, SurveyRollupMonth

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


def built_months() -> dict[date, tuple[int, int]]:
    rows = db.session.execute(
        sa.select(SurveyRollupMonth.month, SurveyRollupMonth.responses, SurveyRollupMonth.flagged)
    )
    return {as_date(m): (int(n), int(f)) for m, n, f in rows}


def _differences() -> tuple[dict[date, tuple[int, int]], list[date]]:
    stamps, built = _stamps(), built_months()
    stale = {m: s for m, s in stamps.items() if built.get(m) != s}
    gone = [m for m in built if m not in stamps]
    return stale, gone


def refresh_rollups(*, force: bool = False) -> int:
    """Build or rebuild the months whose responses changed; returns how many changed.

    The current month is brought up to date whenever new responses arrived (only its
    changed days are recounted), so reports lag at most one check behind. Checks at most
    every ``SATISFACTION_ROLLUP_CHECK_SECONDS`` (60) per process and database unless
    ``force``. Writes through the session; the caller commits.
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
        built = built_months()
        for month, stamp in sorted(stale.items()):
            (_update_month if month in built else _build_month)(month, stamp)
        if postgres and stale:  # fresh statistics, or the planner guesses a handful of rows
            db.session.execute(sa.text("ANALYZE survey_rollups"))
            db.session.execute(sa.text("ANALYZE survey_rollup_days"))
    _last_check[key] = time.monotonic()
    return len(stale) + len(gone)


def invalidate_months(days: Collection[date]) -> None:
    """Forget the rollups of the months of ``days`` (answers edited in place there)."""
    for month in {month_start(d) for d in days}:
        _drop_month(month)
    _last_check.clear()


def _drop_month(month: date) -> None:
    days = (SurveyRollupDay.day >= month, SurveyRollupDay.day < next_month(month))
    db.session.execute(sa.delete(SurveyRollupDay).where(*days))
    db.session.execute(sa.delete(SurveyRollup).where(SurveyRollup.month == month))
    db.session.execute(sa.delete(SurveyRollupMonth).where(SurveyRollupMonth.month == month))


def _day_counts(month: date, *, built: bool) -> dict[date, tuple[int, int]]:
    """Per day of ``month``: (responses, flagged), from the raw table or from the day rows
    already built (their response rows)."""
    if built:
        d = SurveyRollupDay
        flagged = sa.func.sum(sa.case((d.flagged.is_(True), d.n), else_=0))
        stmt = sa.select(d.day, sa.func.sum(d.n), flagged).where(d.question_id.is_(None))
        day = d.day
    else:
        r = SurveyResponse
        flagged = sa.func.sum(sa.case((r.flagged.is_(True), 1), else_=0))
        stmt, day = sa.select(r.day, sa.func.count(), flagged), r.day
    stmt = stmt.where(day >= month, day < next_month(month)).group_by(day)
    return {as_date(v): (int(n), int(f or 0)) for v, n, f in db.session.execute(stmt)}


def _insert_days(days) -> None:
    """Day rows from the raw tables for the responses matching ``days`` (a condition)."""
    r, a = SurveyResponse, SurveyAnswer
    dims = [getattr(r, name) for name in DIMENSIONS]
    answers = (
        sa.select(r.day, *dims, a.question_id, a.choice, a.number, sa.func.count())
        .select_from(a)
        .join(r, r.id == a.response_id)
        .where(days)
        .group_by(r.day, *dims, a.question_id, a.choice, a.number)
    )
    responses = (
        sa.select(r.day, *dims, sa.null(), sa.literal(""), sa.null(), sa.func.count())
        .where(days)
        .group_by(r.day, *dims)
    )
    columns = ["day", *DIMENSIONS, *ANSWER_DIMS, "n"]
    for stmt in (answers, responses):
        db.session.execute(sa.insert(SurveyRollupDay).from_select(columns, stmt))


def _insert_month(month: date, stamp: tuple[int, int]) -> None:
    """The month's rows summed from its day rows, and its stamp."""
    d = SurveyRollupDay
    summed = [getattr(d, name) for name in (*DIMENSIONS, *ANSWER_DIMS)]
    monthly = (
        sa.select(sa.literal(month, sa.Date), *summed, sa.func.sum(d.n))
        .where(d.day >= month, d.day < next_month(month))
        .group_by(*summed)
    )
    columns = ["month", *DIMENSIONS, *ANSWER_DIMS, "n"]
    db.session.execute(sa.insert(SurveyRollup).from_select(columns, monthly))
    db.session.add(SurveyRollupMonth(month=month, responses=stamp[0], flagged=stamp[1]))
    db.session.flush()


def _build_month(month: date, stamp: tuple[int, int]) -> None:
    """The month's day rows from the raw tables, then its month rows from the day rows."""
    _drop_month(month)
    r = SurveyResponse
    _insert_days(sa.and_(r.day >= month, r.day < next_month(month)))
    _insert_month(month, stamp)


def _update_month(month: date, stamp: tuple[int, int]) -> None:
    """A built month whose responses changed (new ones arriving in the current month): only
    the days whose counts differ are rebuilt from the raw tables, then the month's rows from
    its day rows. Answers edited in place do not change the counts: ``invalidate_months``
    drops such a month, and it is built whole."""
    raw, have = _day_counts(month, built=False), _day_counts(month, built=True)
    changed = sorted(day for day in raw.keys() | have.keys() if raw.get(day) != have.get(day))
    if changed:
        db.session.execute(sa.delete(SurveyRollupDay).where(SurveyRollupDay.day.in_(changed)))
        _insert_days(SurveyResponse.day.in_(changed))
    db.session.execute(sa.delete(SurveyRollup).where(SurveyRollup.month == month))
    db.session.execute(sa.delete(SurveyRollupMonth).where(SurveyRollupMonth.month == month))
    _insert_month(month, stamp)
