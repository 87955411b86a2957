"""Pass rates counted in SQL: per period, exam, unit, position (topics: ``topic_rates``).

Who counts — one rule, used by the HR verdicts (``app.hr.verdicts`` reads
``period_outcomes`` itself), the HR lists and the periodic report, so they always agree:

- the population of a period is everyone who is a *required* candidate of a live (not
  cancelled) exam of the period ("phải dự thi");
- a person *sat* when they finished an attempt of a live exam of the period, and *passed*
  when any of those attempts passed, so a passed retest counts as one pass, never twice;
  an attempt of a cancelled exam counts for nothing (the exam did not take place);
- the denominator of a rate is the people who sat; the required people who did not sit
  (absent, or still in progress) are reported beside it, never counted as failures.

With one exam chosen the same is counted for that exam alone (a retest is its own exam).
Every query joins the unit the person held in the period (``app.analytics.held``: the
assignment held on its last day) and filters it by the caller's scope (``scope_clause``)
and, when one is chosen, the unit's sub-tree (``path LIKE prefix%``).
The database does the GROUP BY; callers get one ``Counts`` per group, and every grouping
also keeps the person's unit so the report can sum sub-trees without asking again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.access import Perm, scope_clause
from app.analytics import held
from app.analytics.intervals import Interval, wilson_interval
from app.extensions import db
from app.models import (
    Attempt,
    AttemptState,
    CandidateStatus,
    Exam,
    ExamCandidate,
    ExamState,
    Unit,
)


@dataclass(frozen=True)
class RateFilter:
    """What to count: a period, optionally one exam, optionally a unit's sub-tree.

    ``perm`` scopes every query to the caller's units; ``None`` counts everything (for the
    command line and tests, never for a request).
    """

    period_id: int | None = None
    exam_id: int | None = None
    unit_path: str | None = None
    perm: Perm | None = Perm.ANALYTICS_VIEW


@dataclass
class Counts:
    """People who had to sit, who sat (finished), and who passed."""

    required: int = 0
    sat: int = 0
    passed: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.required += other.required
        self.sat += other.sat
        self.passed += other.passed
        return self

    @property
    def not_sat(self) -> int:
        return self.required - self.sat

    @property
    def rate(self) -> float | None:
        return self.passed / self.sat if self.sat else None

    def interval(self) -> Interval:
        """Wilson 95 % interval of passed / sat (``None`` bounds when nobody sat)."""
        return wilson_interval(self.passed, self.sat)


FINISHED = Attempt.state == AttemptState.FINISHED
PASSED = sa.case((sa.and_(FINISHED, Attempt.passed.is_(True)), 1), else_=0)


def period_outcomes(period_id: int | None) -> sa.Subquery:
    """One row per required person and period: ``person_id, period_id, sat, passed`` (0/1)."""
    required = (
        sa.select(ExamCandidate.person_id, Exam.period_id)
        .join(Exam, Exam.id == ExamCandidate.exam_id)
        .where(Exam.state != ExamState.CANCELLED, ExamCandidate.status == CandidateStatus.REQUIRED)
        .distinct()
    )
    finished = (
        sa.select(Attempt.person_id, Exam.period_id, sa.func.max(PASSED).label("passed"))
        .join(Exam, Exam.id == Attempt.exam_id)
        .where(FINISHED, Exam.state != ExamState.CANCELLED)
        .group_by(Attempt.person_id, Exam.period_id)
    )
    if period_id is not None:
        required = required.where(Exam.period_id == period_id)
        finished = finished.where(Exam.period_id == period_id)
    req, fin = required.subquery("req"), finished.subquery("fin")
    joined = sa.and_(fin.c.person_id == req.c.person_id, fin.c.period_id == req.c.period_id)
    return (
        sa.select(
            req.c.person_id,
            req.c.period_id,
            sa.case((fin.c.person_id.is_(None), 0), else_=1).label("sat"),
            sa.func.coalesce(fin.c.passed, 0).label("passed"),
        )
        .outerjoin(fin, joined)
        .subquery("outcome")
    )


def exam_outcomes(*, period_id: int | None = None, exam_id: int | None = None) -> sa.Subquery:
    """One row per required candidate of each live exam (or of ``exam_id``, even cancelled):
    ``exam_id, person_id, period_id, sat, passed`` — that exam's own attempt only."""
    stmt = (
        sa.select(
            ExamCandidate.exam_id,
            ExamCandidate.person_id,
            Exam.period_id,
            sa.case((FINISHED, 1), else_=0).label("sat"),
            PASSED.label("passed"),
        )
        .join(Exam, Exam.id == ExamCandidate.exam_id)
        .outerjoin(
            Attempt,
            sa.and_(
                Attempt.exam_id == ExamCandidate.exam_id,
                Attempt.person_id == ExamCandidate.person_id,
            ),
        )
        .where(ExamCandidate.status == CandidateStatus.REQUIRED)
    )
    if exam_id is not None:
        stmt = stmt.where(ExamCandidate.exam_id == exam_id)
    else:
        stmt = stmt.where(Exam.state != ExamState.CANCELLED)
    if period_id is not None:
        stmt = stmt.where(Exam.period_id == period_id)
    return stmt.subquery("outcome")


def outcomes_for(f: RateFilter) -> sa.Subquery:
    """The period outcomes, or the chosen exam's own outcomes."""
    if f.exam_id is not None:
        return exam_outcomes(exam_id=f.exam_id)
    return period_outcomes(f.period_id)


def in_scope(stmt: sa.Select, f: RateFilter) -> sa.Select:
    """Restrict a statement that joins ``Unit`` (the person's unit) to the scope and sub-tree."""
    if f.perm is not None:
        stmt = stmt.where(scope_clause(f.perm, Unit.path))
    if f.unit_path:
        stmt = stmt.where(Unit.path.startswith(f.unit_path, autoescape=True))
    return stmt


def count_by(f: RateFilter, *keys: Any, outcome: sa.Subquery | None = None) -> dict[Any, Counts]:
    """``Counts`` per value of ``keys`` (columns of the outcome, ``Person`` or ``Unit``); with
    several keys the dictionary is keyed by tuples."""
    o = outcome if outcome is not None else outcomes_for(f)
    stmt = (
        sa.select(
            *keys,
            sa.func.count().label("required"),
            sa.func.coalesce(sa.func.sum(o.c.sat), 0),
            sa.func.coalesce(sa.func.sum(o.c.passed), 0),
        )
        .select_from(o)
        .group_by(*keys)
    )
    stmt = held.join_held(stmt, o.c.person_id, o.c.period_id)
    out = {}
    for row in db.session.execute(in_scope(stmt, f)):
        *key, required, sat, passed = row
        out[key[0] if len(keys) == 1 else tuple(key)] = Counts(int(required), int(sat), int(passed))
    return out


def total(f: RateFilter) -> Counts:
    """The period (or the chosen exam) as one group."""
    o = outcomes_for(f)
    result = Counts()
    for counts in count_by(f, o.c.period_id, outcome=o).values():
        result += counts
    return result


def by_period(f: RateFilter) -> dict[tuple[int, int], Counts]:
    """Per (period, unit the people work in) over every period (the trend): the period and
    exam of ``f`` are ignored, scope and sub-tree are kept."""
    o = period_outcomes(None)
    return count_by(f, o.c.period_id, held.UNIT_ID, outcome=o)


def by_unit_and_position(f: RateFilter) -> dict[tuple[int, str], Counts]:
    """Per (unit the people work in, their position): one query from which the report
    derives the per-unit, per-position and total counts."""
    return count_by(f, held.UNIT_ID, held.POSITION)


def by_exam(f: RateFilter) -> dict[tuple[int, int], Counts]:
    """Per (exam of the period, or the chosen exam; unit the people work in): that exam's
    own attempts."""
    o = exam_outcomes(period_id=f.period_id, exam_id=f.exam_id)
    return count_by(f, o.c.exam_id, held.UNIT_ID, outcome=o)
