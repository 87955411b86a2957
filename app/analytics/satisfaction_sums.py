"""Running totals of survey answer counts per day (``survey_rollup_sums``), and reading a
date range from them.

A row holds the count of one key (unit, channel kind, verified, flagged, version,
question, choice, number: the officer, counter and procedure left out) from the first of
its month through its ``day``. Every calendar day of a built month up to the month's
``through`` has the rows of every key seen so far, so the count of days ``lo``..``hi`` of
one month is the rows of ``hi`` minus those of ``lo - 1`` (nothing when ``lo`` is the 1st):
two days' rows, a few thousand, however long the range. A whole month is the rows of its
last built day.

Written by ``app.analytics.satisfaction_rollup`` from the day rows after they are built;
read by ``app.analytics.satisfaction_counts`` for the reports that neither filter nor
group by officer, counter or procedure (those read the day and month rows).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Unit
from app.models.surveys import SurveyRollupDay, SurveyRollupSum
from app.surveys.queries import ResponseFilter, response_conditions

LEAN = ("unit_id", "channel_kind", "verified", "flagged", "version_id")
KEY = (*LEAN, "question_id", "choice", "number")
BATCH = 20_000  # rows per INSERT round


def is_lean(f: ResponseFilter, dims: Sequence[str]) -> bool:
    """Whether the running totals can answer ``dims`` under ``f`` (no officer, counter or
    procedure in either)."""
    return "officer_id" not in dims and not (f.officer_id or f.counter or f.procedure)


def _untyped(name: str) -> sa.TableClause:
    """``name`` with the day, the key and ``n`` as untyped columns: values go in and out as
    the driver has them (no date, enum or boolean processing: most of the time of a
    hundred thousand rows)."""
    return sa.table(name, *(sa.column(c) for c in ("day", *KEY, "n")))


def _running(month: date, through: date) -> Iterator[dict]:
    """The rows of every day of ``month`` up to ``through``, from its day rows (read in
    day order along their index and added here: a GROUP BY first would sort them all)."""
    days = _untyped(SurveyRollupDay.__tablename__)
    stmt = sa.select(*days.c).where(
        days.c.day >= sa.bindparam("low", month, sa.Date),
        days.c.day <= sa.bindparam("high", through, sa.Date),
    )
    by_day: dict[date, dict[tuple, int]] = {}
    for day, *values, n in db.session.execute(stmt):
        counts = by_day.setdefault(_as_date(day), {})
        key = tuple(values)
        counts[key] = counts.get(key, 0) + n
    stored = str if db.engine.dialect.name == "sqlite" else lambda d: d  # as SQLAlchemy does
    totals: dict[tuple, int] = {}
    day = month
    while day <= through:
        for key, n in by_day.get(day, {}).items():
            totals[key] = totals.get(key, 0) + n
        for key, n in totals.items():
            yield {"day": stored(day), **dict(zip(KEY, key, strict=True)), "n": n}
        day += timedelta(days=1)


def write_sums(month: date, through: date) -> None:
    """Replace the running totals of ``month`` with those of its day rows up to
    ``through`` (the day rows must be built), in batches of plain rows."""
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    drop_sums(month, end)
    insert = _untyped(SurveyRollupSum.__tablename__).insert()
    batch: list[dict] = []
    for row in _running(month, through):
        batch.append(row)
        if len(batch) >= BATCH:
            db.session.execute(insert, batch)
            batch = []
    if batch:
        db.session.execute(insert, batch)


def drop_sums(first: date, before: date) -> None:
    """Forget the running totals of the days ``first`` <= day < ``before``."""
    s = SurveyRollupSum
    db.session.execute(sa.delete(s).where(s.day >= first, s.day < before))


def sums_select(
    f: ResponseFilter,
    dims: Sequence[str],
    parts: Sequence[tuple[date, date]],
    question_filter,
    month_column,
) -> sa.Select:
    """The counts of ``dims`` over ``parts`` ((first, last) days, each inside one month):
    the totals through ``last`` minus those through the day before ``first``.
    ``question_filter(column)`` picks the rows (answers of some questions, or responses);
    ``month_column(column)`` is the month of a day in SQL. Keys may come back as 0."""
    s = SurveyRollupSum
    ends = sorted({last for _first, last in parts})
    befores = sorted({first - timedelta(days=1) for first, _last in parts if first.day > 1})
    picked = [month_column(s.day) if d == "month" else getattr(s, d) for d in dims]
    signed = sa.case((s.day.in_(ends), s.n), else_=-s.n) if befores else s.n
    undated = replace(f, start=None, end=None)  # the days are chosen here
    return (
        sa.select(*picked, sa.func.sum(signed))
        .join(Unit, Unit.id == s.unit_id)
        .where(*response_conditions(undated, src=s), s.day.in_(ends + befores))
        .where(question_filter(s.question_id))
        .group_by(*picked)
    )


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
