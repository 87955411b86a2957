"""The period verdicts in SQL: the rules of ``app.hr.verdicts`` as CASE expressions, so the
database decides who is on an HR list and only those people (one page of them) reach
Python.

Per person and period, ``codes()`` gives two small integers:

- ``k`` knowledge: NULL not required, 0 missing, 1 failed, 2 passed — ``sat + passed`` of
  ``app.analytics.rates.period_outcomes``, the pass-rate dashboard's own subquery;
- ``c`` communication: NULL in no live round, 1 missing, 2 failed, 3 passed — the best
  over the period's live rounds covering the person's unit (``verdicts._better``: a pass
  wins, then a fail), a round's result being the mean percentage of the person's live
  submitted sheets against the rubric's pass mark (``app.hr.facts.sheet_means``).

``meets()``, ``has_missing()`` and ``has_failed()`` turn the codes into the verdict under
the configured ``VERDICT_RULE``; they are NULL-safe (a NULL code reads as -1), so ``NOT``
works on them. ``tests/hr/test_verdict_sql.py`` proves them equal to the pure functions.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
import sqlalchemy.orm

from app.analytics import rates
from app.extensions import db
from app.hr import facts
from app.hr.verdicts import KNOWLEDGE, Outcome, components
from app.models import (
    Attempt,
    CandidateStatus,
    Exam,
    ExamCandidate,
    ExamState,
    Person,
    Sheet,
    SheetState,
    Unit,
)

COMMUNICATION = {1: Outcome.MISSING, 2: Outcome.FAILED, 3: Outcome.PASSED}  # by code c
_NULL = sa.cast(sa.null(), sa.Integer)


def _covered(rounds: list[facts.RoundFacts]) -> dict[int, list[int]]:
    """``{round id: ids of the units it covers}``: its units and everything under them
    (a few hundred units, read once)."""
    units = [
        (uid, facts.path_ids(path))
        for uid, path in db.session.execute(sa.select(Unit.id, Unit.path))
    ]
    return {r.id: sorted(uid for uid, above in units if above & r.unit_ids) for r in rounds}


def _communication(period_ids: list[int], ids: sa.Select) -> list[sa.Select]:
    """``person_id, period_id, c`` per round covering the person, one SELECT per live round
    of the periods (none without rounds)."""
    rounds = facts.rounds_of(period_ids)
    if not rounds:
        return []
    covered = _covered(rounds)
    means = (
        sa.select(
            Sheet.round_id,
            Sheet.person_id,
            sa.func.avg(sa.func.coalesce(Sheet.percent, 0)).label("mean"),
        )
        .where(
            Sheet.round_id.in_([r.id for r in rounds]),
            Sheet.state == SheetState.SUBMITTED,
            Sheet.live_key.is_not(None),
            Sheet.person_id.in_(ids),
        )
        .group_by(Sheet.round_id, Sheet.person_id)
        .subquery("means")
    )
    parts = []
    for r in rounds:
        joined = sa.and_(means.c.person_id == Person.id, means.c.round_id == r.id)
        code = sa.case(
            (means.c.mean.is_(None), 1), (means.c.mean >= r.threshold - 1e-9, 3), else_=2
        )
        parts.append(
            sa.select(
                Person.id.label("person_id"),
                sa.literal(r.period_id, sa.Integer).label("period_id"),
                _NULL.label("k"),
                code.label("c"),
            )
            .outerjoin(means, joined)
            .where(Person.unit_id.in_(covered[r.id] or [-1]), Person.id.in_(ids))
        )
    return parts


def _knowledge(period_ids: list[int], ids: sa.Select, few: bool) -> sa.Select:
    """``person_id, period_id, k`` of each required person, by the rules of
    ``rates.period_outcomes`` (required: a required candidate of a live exam of the period;
    sat: a finished attempt in a live exam of the period; passed: one of them passed),
    written as the floor reads its rows — candidates joined to their attempts, grouped —
    with the periods and the people filtered first (three times faster on SQLite than
    joining the two grouped subqueries). ``tests/hr/test_verdict_sql.py`` holds it equal."""
    taken = sa.orm.aliased(Exam, name="taken")
    on = [taken.id == Attempt.exam_id, taken.state != ExamState.CANCELLED]
    if few:  # SQLite materializes this join first: for a page, of its 50 people only
        on.append(Attempt.person_id.in_(ids))
    attempts = sa.join(Attempt, taken, sa.and_(*on))
    same_period = sa.and_(
        Attempt.person_id == ExamCandidate.person_id,
        taken.period_id == Exam.period_id,
        rates.FINISHED,
    )
    k = sa.case((sa.func.count(Attempt.id) == 0, 0), else_=1 + sa.func.max(rates.PASSED))
    return (
        sa.select(ExamCandidate.person_id, Exam.period_id, k.label("k"), _NULL.label("c"))
        .join(Exam, Exam.id == ExamCandidate.exam_id)
        .outerjoin(attempts, same_period)
        .where(
            Exam.state != ExamState.CANCELLED,
            Exam.period_id.in_(period_ids),
            ExamCandidate.status == CandidateStatus.REQUIRED,
            ExamCandidate.person_id.in_(ids),
        )
        .group_by(ExamCandidate.person_id, Exam.period_id)
    )


def codes(period_ids: Iterable[int], ids: sa.Select, *, few: bool = False) -> sa.Subquery:
    """One row per person of ``ids`` (a SELECT of person ids) and period of ``period_ids``
    with a required component: ``person_id, period_id, k, c`` (see the module docstring)."""
    period_ids = sorted(set(period_ids))
    knowledge = _knowledge(period_ids, ids, few)
    communication = _communication(period_ids, ids)
    if not communication:  # one row per person and period already: no second GROUP BY
        return knowledge.subquery("codes")
    rows = sa.union_all(knowledge, *communication).subquery("facts")  # flat: SQLite nests none
    return (
        sa.select(
            rows.c.person_id,
            rows.c.period_id,
            sa.func.max(rows.c.k).label("k"),
            sa.func.max(rows.c.c).label("c"),
        )
        .group_by(rows.c.person_id, rows.c.period_id)
        .subquery("codes")
    )


def _kc(codes_: sa.Subquery) -> tuple[sa.ColumnElement, sa.ColumnElement]:
    return sa.func.coalesce(codes_.c.k, -1), sa.func.coalesce(codes_.c.c, -1)


def meets(rule: str, codes_: sa.Subquery) -> sa.ColumnElement[bool]:
    """Whether the row meets the requirement under ``rule`` (``verdicts.meets``)."""
    k, c = _kc(codes_)
    if rule == "knowledge_only":
        return k == 2
    if rule == "knowledge_and_communication":
        return sa.and_(k == 2, c == 3)
    return sa.and_(sa.or_(k != -1, c != -1), k.in_([-1, 2]), c.in_([-1, 3]))


def has_missing(rule: str, codes_: sa.Subquery) -> sa.ColumnElement[bool]:
    """Whether a required component is missing (both are required under
    ``knowledge_and_communication``)."""
    k, c = _kc(codes_)
    if rule == "knowledge_and_communication":
        return sa.or_(k.in_([-1, 0]), c.in_([-1, 1]))
    return sa.or_(k == 0, c == 1)


def has_failed(codes_: sa.Subquery) -> sa.ColumnElement[bool]:
    k, c = _kc(codes_)
    return sa.or_(k == 1, c == 2)


def components_of(rule: str, k: int | None, c: int | None) -> dict[str, Outcome]:
    """The components dictionary of a row of ``codes()`` (``verdicts.components``)."""
    return components(
        rule, None if k is None else KNOWLEDGE[k], None if c is None else COMMUNICATION[c]
    )


def code_rows(period_ids: Iterable[int], ids: sa.Select) -> dict[tuple[int, int], tuple]:
    """``{(person id, period id): (k, c)}`` of ``codes()`` (for a page of people)."""
    c = codes(period_ids, ids, few=True)
    stmt = sa.select(c.c.person_id, c.c.period_id, c.c.k, c.c.c)
    return {(pid, per): (k, cc) for pid, per, k, cc in db.session.execute(stmt)}
