"""Builders for HR tests: past periods with a published exam and finished (paper-total)
attempts, and officer ratings; straight rows, no bank needed (the ``demo`` fixture)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Attempt,
    AttemptState,
    ChannelKind,
    Exam,
    ExamCandidate,
    ExamState,
    Period,
    Person,
    Questionnaire,
    QuestionnaireState,
    QuestionnaireVersion,
    QuestionType,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Unit,
)


def people_of(code: str) -> list[Person]:
    """Active people of the unit with ``code``, by id."""
    return list(
        db.session.scalars(
            sa.select(Person).join(Unit).where(Unit.code == code).order_by(Person.id)
        )
    )


def period_with_results(
    name: str, start: date, end: date, results: dict[Person, bool | None]
) -> Period:
    """A period with one published exam: everyone in ``results`` must sit it; True/False is
    a finished attempt that passed/failed, None no attempt (the result is missing)."""
    period = Period(name=name, starts_on=start, ends_on=end)
    province = db.session.scalar(sa.select(Unit).where(Unit.parent_id.is_(None)))
    opens = datetime.combine(start + timedelta(days=30), datetime.min.time(), UTC)
    exam = Exam(
        period=period, unit_id=province.id, title=f"Kiểm tra {name}", state=ExamState.PUBLISHED,
        opens_at=opens, closes_at=opens + timedelta(days=7), pass_mark=0.5,
    )  # fmt: skip
    db.session.add(exam)
    db.session.flush()
    for person, passed in results.items():
        db.session.add(ExamCandidate(exam_id=exam.id, person_id=person.id))
        if passed is not None:
            attempt = Attempt(
                exam_id=exam.id, person_id=person.id, state=AttemptState.FINISHED, seed=0,
                deadline=opens, finished_at=opens, paper=True, score=16.0 if passed else 6.0,
                max_score=20.0, percent=0.8 if passed else 0.3, passed=passed,
            )  # fmt: skip
            db.session.add(attempt)
    db.session.commit()
    return period


def rating_question() -> SurveyQuestion:
    """The officer-rating question (scale of 5) of a minimal published questionnaire."""
    found = db.session.scalar(sa.select(SurveyQuestion).where(SurveyQuestion.rates_officer))
    if found is not None:
        return found
    questionnaire = Questionnaire(code="HR-TEST", title="Phiếu thử")
    version = QuestionnaireVersion(
        questionnaire=questionnaire, title="Phiếu thử", state=QuestionnaireState.PUBLISHED
    )
    question = SurveyQuestion(
        version=version, key="officer_rating", qtype=QuestionType.SCALE5,
        text="Ông/Bà hài lòng thế nào?", rates_officer=True, short=True,
    )  # fmt: skip
    db.session.add_all([questionnaire, version, question])
    db.session.flush()
    return question


def add_ratings(
    officer: Person, day: date, n: int, satisfied: int, *, flagged: bool = False
) -> None:
    """``n`` ratings of ``officer`` on ``day``: ``satisfied`` of them 4 or 5, the rest 1–3."""
    question = rating_question()
    for index in range(n):
        rid = uuid.uuid4().hex
        response = SurveyResponse(
            id=rid, version_id=question.version_id, channel_kind=ChannelKind.KIOSK,
            unit_id=officer.unit_id, officer_id=officer.id, day=day, flagged=flagged,
        )  # fmt: skip
        db.session.add(response)
        level = (4, 5)[index % 2] if index < satisfied else (1, 2, 3)[index % 3]
        db.session.add(SurveyAnswer(response_id=rid, question_id=question.id, number=level))
    db.session.commit()
