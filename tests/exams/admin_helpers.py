"""Factories for the exam management, proctor, results and paper tests.

Exams are made through ``app.exams.setup`` and sat through ``app.exams.attempts`` (start,
save, finish), so every score in these tests is the real scoring path's.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.admin import services as accounts
from app.exams import attempts, setup
from app.extensions import db
from app.models import (
    Attempt,
    Exam,
    ExamCandidate,
    ExamState,
    Person,
    Question,
    Role,
    Topic,
    Unit,
    utcnow,
)
from tests.exams.conftest import best_response

ONE_STOP = "Cơ chế một cửa, một cửa liên thông"
IT = "Kỹ năng công nghệ thông tin và dịch vụ công trực tuyến"


def topic(name: str) -> Topic:
    return db.session.scalar(sa.select(Topic).where(Topic.name == name))


def unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def people_of(code: str) -> list[Person]:
    return list(
        db.session.scalars(
            sa.select(Person)
            .join(Unit, Unit.id == Person.unit_id)
            .where(Unit.code == code)
            .order_by(Person.id)
        )
    )


def question(external_id: str) -> Question:
    return db.session.scalar(sa.select(Question).where(Question.external_id == external_id))


def make_exam(
    code: str = "ST-LH",
    *,
    title: str = "Kiểm tra xã Long Hưng",
    rows: list[dict] | None = None,
    fixed: list[str] = (),
    targets: list[str] | None = None,
    publish: bool = True,
    build: bool = True,
    **fields,
) -> Exam:
    """An exam owned by unit ``code``, open now for two hours, with its candidates listed."""
    now = utcnow().replace(microsecond=0)
    owner = unit(code)
    rows = rows or [
        {"topic": topic(ONE_STOP).id, "count": 2, "mix": None},
        {"topic": topic(IT).id, "count": 2, "mix": None},
    ]
    values = {
        "title": title,
        "opens_at": now - timedelta(minutes=30),
        "closes_at": now + timedelta(hours=2),
        "time_limit_minutes": 30,
        "blueprint": {"rows": rows, "fixed": [question(q).id for q in fixed]},
        "target_unit_ids": [unit(c).id for c in (targets or [code])],
        **fields,
    }
    exam = setup.create_exam(owner, setup.period_for(now.date()), created_by_id=None, **values)
    if build:
        setup.build_candidates(exam)
    if publish:
        setup.move_exam(exam, ExamState.PUBLISHED)
    db.session.commit()
    return exam


def sit(exam: Exam, person: Person, *, right: int | None = None, finish: bool = True) -> Attempt:
    """Start and (by default) finish ``person``'s attempt, answering the first ``right``
    questions with their full-credit response (all of them when ``right`` is None)."""
    attempt, _created = attempts.start_attempt(exam, person, pin=exam.room_pin)
    count = len(attempt.items) if right is None else right
    for item in attempt.items[:count]:
        attempts.save_answer(attempt, item, best_response(item), attempt.seq)
    if finish:
        attempts.finish_attempt(attempt, attempt.seq)
    db.session.commit()
    return attempt


def candidates(exam: Exam) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(ExamCandidate.person_id).where(ExamCandidate.exam_id == exam.id)
        )
    )


def make_account(username: str, role: Role, code: str) -> None:
    """An extra account (password demo1234) with ``role`` over unit ``code``."""
    account = accounts.create_account(
        username, display_name=username, password="demo1234", must_change=False
    )
    accounts.grant_role(account, role, unit(code))
    db.session.commit()


def switch_user(client, login_as, username: str):
    """Sign the test client out, then in as ``username``."""
    from tests.helpers import post_form

    post_form(client, "/auth/logout", {}, token_from="/")
    return login_as(username)
