"""Scoped reads for the HR, proctor and results screens of exams.

Every list goes through the caller's grants in SQL (``scope_clause``): HR sees exams whose
owner unit is in its scope, proctors and result readers see the candidates whose unit is.
Out-of-scope rows answer 404, never 403, so ids reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from app.access import Perm, scope_clause
from app.extensions import db
from app.models import (
    Attempt,
    AttemptState,
    CandidateStatus,
    Exam,
    ExamCandidate,
    Period,
    Person,
    Unit,
)


def require_any(*perms: Perm) -> None:
    """Abort 403 unless the caller holds at least one of ``perms`` somewhere."""
    if not any(current_user.can(p) for p in perms):
        abort(403)


def _owner_scope(*perms: Perm) -> sa.ColumnElement[bool]:
    return sa.or_(*(scope_clause(p, Unit.path) for p in perms))


def exam_owned(exam_id: int, *perms: Perm) -> Exam | None:
    """The exam if its owner unit lies in the caller's scope for one of ``perms``."""
    return db.session.scalar(
        sa.select(Exam)
        .join(Unit, Unit.id == Exam.unit_id)
        .where(Exam.id == exam_id, _owner_scope(*perms))
    )


def exam_or_404(exam_id: int, *perms: Perm) -> Exam:
    """``exam_owned`` or 404 (out of scope looks like missing)."""
    exam = exam_owned(exam_id, *perms)
    if exam is None:
        abort(404)
    return exam


def candidates_in_scope(perm: Perm) -> sa.Select:
    return (
        sa.select(ExamCandidate.exam_id)
        .join(Person, Person.id == ExamCandidate.person_id)
        .join(Unit, Unit.id == Person.unit_id)
        .where(scope_clause(perm, Unit.path))
    )


def exam_with_people_or_404(exam_id: int, perm: Perm) -> Exam:
    """The exam if at least one of its candidates is in the caller's scope for ``perm``."""
    exam = db.session.get(Exam, exam_id)
    if exam is None or exam_id not in set(
        db.session.scalars(candidates_in_scope(perm).where(ExamCandidate.exam_id == exam_id))
    ):
        abort(404)
    return exam


def person_or_404(person_id: int, perm: Perm) -> Person:
    person = db.session.scalar(
        sa.select(Person)
        .join(Unit, Unit.id == Person.unit_id)
        .where(Person.id == person_id, scope_clause(perm, Unit.path))
    )
    if person is None:
        abort(404)
    return person


# --- HR: exams --------------------------------------------------------------------------


@dataclass
class ExamRow:
    exam: Exam
    required: int
    started: int
    finished: int


def _count(stmt: sa.Select) -> sa.ScalarSelect:
    return stmt.correlate(Exam).scalar_subquery()


def exams_in_scope(perm: Perm = Perm.EXAMS_MANAGE, period_id: int | None = None) -> list[ExamRow]:
    """Exams owned in the caller's scope, newest window first, with their counts."""
    required = _count(
        sa.select(sa.func.count(ExamCandidate.id)).where(
            ExamCandidate.exam_id == Exam.id, ExamCandidate.status == CandidateStatus.REQUIRED
        )
    )
    started = _count(sa.select(sa.func.count(Attempt.id)).where(Attempt.exam_id == Exam.id))
    finished = _count(
        sa.select(sa.func.count(Attempt.id)).where(
            Attempt.exam_id == Exam.id, Attempt.state == AttemptState.FINISHED
        )
    )
    stmt = (
        sa.select(Exam, required, started, finished)
        .join(Unit, Unit.id == Exam.unit_id)
        .where(scope_clause(perm, Unit.path))
        .order_by(Exam.opens_at.desc(), Exam.id.desc())
    )
    if period_id:
        stmt = stmt.where(Exam.period_id == period_id)
    return [ExamRow(*row) for row in db.session.execute(stmt)]


def periods() -> list[Period]:
    return list(db.session.scalars(sa.select(Period).order_by(Period.starts_on.desc())))


def period_containing(day: date) -> Period | None:
    """The period holding ``day`` without creating one (GET requests write nothing)."""
    return db.session.scalar(
        sa.select(Period)
        .where(Period.starts_on <= day, Period.ends_on >= day)
        .order_by(Period.starts_on.desc())
    )


@dataclass
class CandidateRow:
    candidate: ExamCandidate
    person: Person
    unit_name: str
    attempt: Attempt | None


def candidate_rows(exam: Exam) -> list[CandidateRow]:
    """Everyone listed for ``exam`` with their attempt, people sorted by given name."""
    stmt = (
        sa.select(ExamCandidate, Person, Unit.name, Attempt)
        .join(Person, Person.id == ExamCandidate.person_id)
        .join(Unit, Unit.id == Person.unit_id)
        .outerjoin(
            Attempt,
            sa.and_(Attempt.exam_id == ExamCandidate.exam_id, Attempt.person_id == Person.id),
        )
        .where(ExamCandidate.exam_id == exam.id)
        .order_by(Person.sort_key, Person.id)
    )
    return [CandidateRow(*row) for row in db.session.execute(stmt)]


def failed_people(exam: Exam) -> list[tuple[Person, Attempt]]:
    """People whose attempt failed or was annulled: the ones ``setup.create_retest`` lists."""
    stmt = (
        sa.select(Person, Attempt)
        .join(Attempt, Attempt.person_id == Person.id)
        .where(
            Attempt.exam_id == exam.id,
            sa.or_(
                sa.and_(Attempt.state == AttemptState.FINISHED, Attempt.passed.is_(False)),
                Attempt.state == AttemptState.ABANDONED,
            ),
        )
        .order_by(Person.sort_key, Person.id)
    )
    return [(p, a) for p, a in db.session.execute(stmt)]


def positions_in_scope(perm: Perm) -> list[str]:
    """Distinct job positions of people in the caller's scope (a hint for the form)."""
    stmt = (
        sa.select(Person.position)
        .join(Unit, Unit.id == Person.unit_id)
        .where(scope_clause(perm, Unit.path), Person.position != "")
        .distinct()
        .order_by(Person.position)
    )
    return list(db.session.scalars(stmt))


def unit_names(ids: list[int]) -> list[str]:
    if not ids:
        return []
    return list(
        db.session.scalars(sa.select(Unit.name).where(Unit.id.in_(ids)).order_by(Unit.path))
    )
