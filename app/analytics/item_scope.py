"""Which exams' item reports the caller may open, and whether keys may be shown.

An exam's report is visible with ``ANALYTICS_VIEW`` when the exam's owner unit, or at least
one of its candidates' units, lies in the caller's scope — the rules of the exam management
and results pages (``app.exams.queries``), so a commune's HR reads the report of a
province exam its officers sat, but never another commune's exam (404, as everywhere).
The statistics themselves cover every finished attempt of the exam: they describe
questions, not people.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from app.access import Perm, scope_clause
from app.exams import queries
from app.extensions import db
from app.models import Attempt, AttemptState, Exam, Unit, utcnow

PERM = Perm.ANALYTICS_VIEW


def _visible() -> sa.ColumnElement[bool]:
    owned = (
        sa.select(Exam.id).join(Unit, Unit.id == Exam.unit_id).where(scope_clause(PERM, Unit.path))
    )
    return sa.or_(Exam.id.in_(owned), Exam.id.in_(queries.candidates_in_scope(PERM)))


def exam_or_404(exam_id: int) -> Exam:
    """The exam if its report is visible to the caller; 404 otherwise (even if it exists)."""
    exam = db.session.scalar(sa.select(Exam).where(Exam.id == exam_id, _visible()))
    if exam is None:
        abort(404)
    return exam


def visible_exam_ids(exam_ids: list[int]) -> set[int]:
    """Those of ``exam_ids`` whose report the caller may open (for links)."""
    if not exam_ids or not current_user.can(PERM):
        return set()
    return set(db.session.scalars(sa.select(Exam.id).where(Exam.id.in_(exam_ids), _visible())))


@dataclass
class ExamReportRow:
    exam: Exam
    finished: int


def visible_exams() -> list[ExamReportRow]:
    """Visible exams with their number of finished attempts, newest window first."""
    finished = (
        sa.select(sa.func.count(Attempt.id))
        .where(Attempt.exam_id == Exam.id, Attempt.state == AttemptState.FINISHED)
        .correlate(Exam)
        .scalar_subquery()
    )
    stmt = (
        sa.select(Exam, finished).where(_visible()).order_by(Exam.opens_at.desc(), Exam.id.desc())
    )
    return [ExamReportRow(*row) for row in db.session.execute(stmt)]


def can_see_keys(exam: Exam) -> bool:
    """Keys and distractor tables: after the exam closed, or to bank staff at any time
    (they see the keys in the bank anyway); never to HR while officers may still sit it."""
    return exam.closes_at <= utcnow() or current_user.can(Perm.BANK_VIEW)
