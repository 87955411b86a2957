"""Scoped reads for the proctor's room: today's exams with people in my scope, and each
person's progress (state, times, answered count) computed in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import abort

from app.access import Perm, scope_clause
from app.exams.queries import candidates_in_scope
from app.extensions import db
from app.i18n import TZ
from app.models import (
    Answer,
    Attempt,
    AttemptItem,
    Exam,
    ExamCandidate,
    ExamState,
    Person,
    Unit,
)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a Vietnam calendar day, as aware datetimes."""
    start = datetime.combine(day, time.min, tzinfo=TZ)
    return start, start + timedelta(days=1)


def rooms_today(now: datetime) -> list[Exam]:
    """Published exams whose window touches today (Vietnam time) and that list people in the
    caller's proctor scope."""
    start, end = local_day_bounds(now.astimezone(TZ).date())
    stmt = (
        sa.select(Exam)
        .where(
            Exam.state == ExamState.PUBLISHED,
            Exam.opens_at < end,
            Exam.closes_at > start,
            Exam.id.in_(candidates_in_scope(Perm.EXAMS_PROCTOR)),
        )
        .order_by(Exam.opens_at, Exam.id)
    )
    return list(db.session.scalars(stmt))


@dataclass
class RoomRow:
    candidate: ExamCandidate
    person: Person
    unit_name: str
    attempt: Attempt | None
    answered: int


def room_rows(exam: Exam) -> list[RoomRow]:
    """The candidates of ``exam`` in the caller's proctor scope, with progress."""
    answered = (
        sa.select(sa.func.count(Answer.id))
        .join(AttemptItem, AttemptItem.id == Answer.item_id)
        .where(AttemptItem.attempt_id == Attempt.id, Answer.response.is_not(None))
        .correlate(Attempt)
        .scalar_subquery()
    )
    stmt = (
        sa.select(ExamCandidate, Person, Unit.name, Attempt, answered)
        .join(Person, Person.id == ExamCandidate.person_id)
        .join(Unit, Unit.id == Person.unit_id)
        .outerjoin(
            Attempt,
            sa.and_(Attempt.exam_id == ExamCandidate.exam_id, Attempt.person_id == Person.id),
        )
        .where(ExamCandidate.exam_id == exam.id, scope_clause(Perm.EXAMS_PROCTOR, Unit.path))
        .order_by(Unit.path, Person.sort_key, Person.id)
    )
    return [RoomRow(c, p, u, a, n or 0) for c, p, u, a, n in db.session.execute(stmt)]


def attempt_in_room_or_404(exam: Exam, attempt_id: int) -> Attempt:
    """An attempt of ``exam`` whose person is in the caller's proctor scope; else 404."""
    attempt = db.session.scalar(
        sa.select(Attempt)
        .join(Person, Person.id == Attempt.person_id)
        .join(Unit, Unit.id == Person.unit_id)
        .where(
            Attempt.id == attempt_id,
            Attempt.exam_id == exam.id,
            scope_clause(Perm.EXAMS_PROCTOR, Unit.path),
        )
    )
    if attempt is None:
        abort(404)
    return attempt


def item_counts(attempt_ids: list[int]) -> dict[int, int]:
    """Questions per attempt."""
    if not attempt_ids:
        return {}
    stmt = (
        sa.select(AttemptItem.attempt_id, sa.func.count())
        .where(AttemptItem.attempt_id.in_(attempt_ids))
        .group_by(AttemptItem.attempt_id)
    )
    return dict(db.session.execute(stmt).all())
