"""Monthly and daily rollups of survey answer counts and their running totals, so a report
never rescans a million responses.

Each month is summed, for its **closed days** (up to yesterday: never today, whose
responses are still arriving), into ``survey_rollup_days`` (per day), from those into
``survey_rollups`` (per month) — answer counts per unit, officer, channel, kind, verified,
flagged, procedure, version, question, choice and number, plus response counts (rows with
no question) — and into ``survey_rollup_sums`` (running totals without officer, counter
and procedure, ``app.analytics.satisfaction_sums``). ``survey_rollup_months`` keeps, per
built month, the last day built (``through``) and the stamp of the responses of its days
up to it (how many, how many flagged).

``refresh_rollups(force=True)`` does the building: the command ``flask analytics rollups``
(a timer runs it every hour and the nightly job after midnight; see deploy/). Pages do
not build: ``count_rows`` reads the rollups for the days they hold and the raw tables for
the rest (today, and any day after the last build), so a report is exact whenever the
rollups were built and costs a page only today's responses. Code that changes past
responses (answers edited, a response flagged) calls ``invalidate_months``: the month is
cut back to the day before, its later days read raw until the next build.
Callers commit after ``refresh_rollups``: a rollup is a cache, and the request or command
that refreshes it owns the transaction.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.analytics.satisfaction_sums import drop_sums, write_sums
from app.extensions import db
from app.i18n import TZ
from app.models import SurveyAnswer, SurveyResponse
from app.models.surveys import SurveyRollup, SurveyRollupDay, SurveyRollupMonth
from app.surveys.responses import today

DIMENSIONS = (
    "unit_id", "officer_id", "channel_id", "channel_kind", "verified", "flagged",
    "procedure", "version_id",
)  # fmt: skip
ANSWER_DIMS = ("question_id", "choice", "number")
LOCK_KEY = 720_460_001  # pg_advisory_xact_lock key of rollup maintenance
_last_check: dict[str, float] = {}
CLOSE_GRACE = timedelta(minutes=15)
Stamp = tuple[int, int]  # responses, flagged


@dataclass(frozen=True)
class Built:
    """A built month: its days up to ``through``, its monthly rows if ``summed``."""

    through: date
    summed: bool
    stamp: Stamp


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_end(month: date) -> date:
    return next_month(month) - timedelta(days=1)


def closed_through() -> date:
    """The last closed day, the last day the rollups may hold: yesterday, once
    ``CLOSE_GRACE`` has passed since midnight (local time) — a request that read the date
    just before midnight has committed its response by then."""
    now = datetime.now(TZ) - CLOSE_GRACE
    return min(now.date(), today()) - timedelta(days=1)


def month_of(column, dialect: str) -> sa.ColumnElement:
    """SQL: the first day of ``column``'s month (a date on PostgreSQL, text on SQLite)."""
    # literal SQL words, not parameters: the same expression must match in GROUP BY
    if dialect == "sqlite":
        return sa.func.date(column, sa.literal_column("'start of month'"))
    return sa.cast(sa.func.date_trunc(sa.literal_column("'month'"), column), sa.Date)


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _stamps(through: date) -> dict[date, Stamp]:
    """Per month: (responses, flagged) of its days up to ``through``, as the raw table has
    them now."""
    r = SurveyResponse
    m = month_of(r.day, db.engine.dialect.name).label("m")
    flagged = sa.func.sum(sa.case((r.flagged.is_(True), 1), else_=0))
    stmt = sa.select(m, sa.func.count(), flagged).where(r.day <= through).group_by(m)
    return {as_date(row[0]): (int(row[1]), int(row[2] or 0)) for row in db.session.execute(stmt)}


def built_months() -> dict[date, Built]:
    """The built months (a small table: one row per month)."""
    b = SurveyRollupMonth
    rows = db.session.execute(sa.select(b.month, b.through, b.summed, b.responses, b.flagged))
    return {as_date(m): Built(as_date(t), bool(s), (int(n), int(f))) for m, t, s, n, f in rows}


def _differences(closed: date) -> tuple[dict[date, Stamp], list[date]]:
    """(months to build or update with their stamps, built months with no responses)."""
    stamps, built = _stamps(closed), built_months()
    stale = {
        m: s for m, s in stamps.items() if built.get(m) != Built(min(month_end(m), closed), True, s)
    }
    gone = [m for m in built if m not in stamps]
    return stale, gone


def refresh_rollups(*, force: bool = False) -> int:
    """Build or update the months whose closed days changed; returns how many changed.

    The job (``flask analytics rollups``, ``force``) does the work. Pages call it too, but
    without ``force`` it does nothing unless ``SATISFACTION_REFRESH_IN_REQUESTS`` is set
    (then at most every ``SATISFACTION_ROLLUP_CHECK_SECONDS`` per process and database):
    reports count what the rollups do not hold from the raw tables, so they stay exact
    either way. Writes through the session; the caller commits.
    """
    config = current_app.config
    if not force and not config.get("SATISFACTION_REFRESH_IN_REQUESTS", False):
        return 0
    key = str(db.engine.url)
    every = config.get("SATISFACTION_ROLLUP_CHECK_SECONDS", 60)
    if not force and time.monotonic() - _last_check.get(key, -1e9) < every:
        return 0
    closed = closed_through()
    stale, gone = _differences(closed)
    postgres = db.engine.dialect.name == "postgresql"
    if stale or gone:
        if postgres:  # one maintainer at a time; then look again
            db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_KEY)))
            stale, gone = _differences(closed)
        for month in gone:
            _drop_month(month)
        built = built_months()
        for month, stamp in sorted(stale.items()):
            through = min(month_end(month), closed)
            (_update_month if month in built else _build_month)(month, through, stamp)
        if postgres and stale:  # fresh statistics, or the planner guesses a handful of rows
            for table in ("survey_rollups", "survey_rollup_days", "survey_rollup_sums"):
                db.session.execute(sa.text(f"ANALYZE {table}"))
    _last_check[key] = time.monotonic()
    return len(stale) + len(gone)


def invalidate_months(days: Collection[date]) -> None:
    """Past responses of ``days`` changed in place (answers edited, a response flagged):
    each month concerned is cut back to the day before its earliest such day — its later
    days and its whole-month figures are read from the raw tables until the next build."""
    built = built_months()
    for month in sorted({month_start(d) for d in days}):
        first = min(d for d in days if month_start(d) == month)
        if month not in built or built[month].through < first:
            continue
        if first == month:
            _drop_month(month)
        else:
            _cut_month(month, first - timedelta(days=1))
    _last_check.clear()


def _cut_month(month: date, through: date) -> None:
    """Keep ``month``'s rollups of its days up to ``through`` only, without monthly rows."""
    after = (SurveyRollupDay.day > through, SurveyRollupDay.day < next_month(month))
    db.session.execute(sa.delete(SurveyRollupDay).where(*after))
    drop_sums(through + timedelta(days=1), next_month(month))
    db.session.execute(sa.delete(SurveyRollup).where(SurveyRollup.month == month))
    counts = _day_counts(month, through, built=True).values()
    stamp = (sum(n for n, _f in counts), sum(f for _n, f in counts))
    db.session.execute(
        sa.update(SurveyRollupMonth)
        .where(SurveyRollupMonth.month == month)
        .values(through=through, summed=False, responses=stamp[0], flagged=stamp[1])
    )


def _drop_month(month: date) -> None:
    days = (SurveyRollupDay.day >= month, SurveyRollupDay.day < next_month(month))
    db.session.execute(sa.delete(SurveyRollupDay).where(*days))
    drop_sums(month, next_month(month))
    db.session.execute(sa.delete(SurveyRollup).where(SurveyRollup.month == month))
    db.session.execute(sa.delete(SurveyRollupMonth).where(SurveyRollupMonth.month == month))


def _day_counts(month: date, through: date, *, built: bool) -> dict[date, Stamp]:
    """Per day of ``month`` up to ``through``: (responses, flagged), from the raw table or
    from the day rows already built (their response rows)."""
    if built:
        d = SurveyRollupDay
        flagged = sa.func.sum(sa.case((d.flagged.is_(True), d.n), else_=0))
        stmt = sa.select(d.day, sa.func.sum(d.n), flagged).where(d.question_id.is_(None))
        day = d.day
    else:
        r = SurveyResponse
        flagged = sa.func.sum(sa.case((r.flagged.is_(True), 1), else_=0))
        stmt, day = sa.select(r.day, sa.func.count(), flagged), r.day
    stmt = stmt.where(day >= month, day <= through).group_by(day)
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


def _insert_month(month: date, through: date, stamp: Stamp) -> None:
    """The month's rows and running totals from its day rows (days up to ``through``),
    and its record."""
    d = SurveyRollupDay
    summed = [getattr(d, name) for name in (*DIMENSIONS, *ANSWER_DIMS)]
    monthly = (
        sa.select(sa.literal(month, sa.Date), *summed, sa.func.sum(d.n))
        .where(d.day >= month, d.day <= through)
        .group_by(*summed)
    )
    columns = ["month", *DIMENSIONS, *ANSWER_DIMS, "n"]
    db.session.execute(sa.insert(SurveyRollup).from_select(columns, monthly))
    write_sums(month, through)
    db.session.add(
        SurveyRollupMonth(
            month=month, through=through, summed=True, responses=stamp[0], flagged=stamp[1]
        )
    )
    db.session.flush()


def _build_month(month: date, through: date, stamp: Stamp) -> None:
    """The month's day rows (days up to ``through``) from the raw tables, then the rest."""
    _drop_month(month)
    r = SurveyResponse
    _insert_days(sa.and_(r.day >= month, r.day <= through))
    _insert_month(month, through, stamp)


def _update_month(month: date, through: date, stamp: Stamp) -> None:
    """A built month with new closed days, or whose days changed: only the days whose
    counts differ (or that were not built) are counted again from the raw tables, then the
    month's rows and running totals from its day rows. Answers edited in place do not
    change the counts: ``invalidate_months`` cuts such a month back first."""
    raw = _day_counts(month, through, built=False)
    have = _day_counts(month, through, built=True)
    changed = sorted(day for day in raw.keys() | have.keys() if raw.get(day) != have.get(day))
    if changed:
        db.session.execute(sa.delete(SurveyRollupDay).where(SurveyRollupDay.day.in_(changed)))
        _insert_days(SurveyResponse.day.in_(changed))
    db.session.execute(sa.delete(SurveyRollup).where(SurveyRollup.month == month))
    db.session.execute(sa.delete(SurveyRollupMonth).where(SurveyRollupMonth.month == month))
    _insert_month(month, through, stamp)
