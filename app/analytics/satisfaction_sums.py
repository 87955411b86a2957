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

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Unit
from app.models.surveys import SurveyRollupSum
from app.surveys.queries import ResponseFilter, response_conditions

LEAN = ("unit_id", "channel_kind", "verified", "flagged", "version_id")
KEY = (*LEAN, "question_id", "choice", "number")


def is_lean(f: ResponseFilter, dims: Sequence[str]) -> bool:
    """Whether the running totals can answer ``dims`` under ``f`` (no officer, counter or
    procedure in either)."""
    return "officer_id" not in dims and not (f.officer_id or f.counter or f.procedure)


def _running_sql(postgres: bool) -> str:
    """INSERT of the running totals of the days ``:low``..``:high`` of one month from its
    day rows: the counts per day and key, a running SUM per key (with the next day that
    key changes), spread over the calendar days until that next day."""
    key = ", ".join(KEY)
    low, high = ("CAST(:low AS DATE)", "CAST(:high AS DATE)") if postgres else (":low", ":high")
    following = "day + 1" if postgres else "date(day, '+1 day')"
    # only the constant column names above go into the text; the dates are parameters
    return f"""
        WITH RECURSIVE calendar(day) AS (
            SELECT {low} UNION ALL SELECT {following} FROM calendar WHERE day < {high}
        ),
        daily AS (
            SELECT day, {key}, SUM(n) AS n FROM survey_rollup_days
            WHERE day >= {low} AND day <= {high} GROUP BY day, {key}
        ),
        running AS (
            SELECT day, {key}, SUM(n) OVER w AS total, LEAD(day) OVER w AS next_day
            FROM daily WINDOW w AS (PARTITION BY {key} ORDER BY day)
        )
        INSERT INTO survey_rollup_sums (day, {key}, n)
        SELECT c.day, {", ".join("r." + k for k in KEY)}, r.total
        FROM running r JOIN calendar c
          ON c.day >= r.day AND (r.next_day IS NULL OR c.day < r.next_day)
    """  # noqa: S608


def write_sums(month: date, through: date) -> None:
    """Replace the running totals of ``month`` with those of its day rows up to
    ``through`` (the day rows must be built); one INSERT … SELECT."""
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    drop_sums(month, end)
    postgres = db.engine.dialect.name == "postgresql"
    params = {"low": month, "high": through}
    if not postgres:  # days are ISO text there, as SQLAlchemy stores them
        params = {k: v.isoformat() for k, v in params.items()}
    db.session.execute(sa.text(_running_sql(postgres)), params)


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
