"""Builders for pass-rate tests: periods, exams, candidates and finished attempts with
known outcomes, inserted directly (no question bank needed: ``topic_scores`` is the JSON
that scoring writes, which is what the topic figures read)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Attempt,
    AttemptState,
    CandidateStatus,
    Exam,
    ExamCandidate,
    ExamState,
    Period,
    Person,
    Topic,
    Unit,
)

_serial = itertools.count(1)


def unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def period(name: str = "6 tháng đầu năm 2027", start: date = date(2027, 1, 1)) -> Period:
    p = Period(name=name, starts_on=start, ends_on=start + timedelta(days=180))
    db.session.add(p)
    db.session.flush()
    return p


def exam(p: Period, title: str = "Kiểm tra kiến thức", *, retest_of: Exam | None = None,
         state: ExamState = ExamState.PUBLISHED) -> Exam:  # fmt: skip
    opens = datetime(p.starts_on.year, p.starts_on.month, 10, tzinfo=UTC) + timedelta(
        days=30 if retest_of else 0
    )
    e = Exam(period_id=p.id, unit_id=unit("ST").id, title=title, state=state, opens_at=opens,
             closes_at=opens + timedelta(days=7), pass_mark=0.5,
             retest_of_id=retest_of.id if retest_of else None)  # fmt: skip
    db.session.add(e)
    db.session.flush()
    return e


def person(unit_code: str, name: str = "", position: str = "Công chức tiếp nhận") -> Person:
    n = next(_serial)
    full = name or f"Người Thử {n}"
    p = Person(full_name=full, name_fold=full.lower(), sort_key=f"{n:06d}",
               unit_id=unit(unit_code).id, position=position)  # fmt: skip
    db.session.add(p)
    db.session.flush()
    return p


def topic(name: str) -> Topic:
    t = Topic(name=name, full_path=name)
    db.session.add(t)
    db.session.flush()
    return t


def sit(e: Exam, who: Person, passed: bool | None, *, topics: dict[int, float] | None = None,
        status: CandidateStatus = CandidateStatus.REQUIRED,
        state: AttemptState = AttemptState.FINISHED) -> None:  # fmt: skip
    """Make ``who`` a candidate of ``e``; with ``passed`` not None, add an attempt in ``state``
    (None: the person did not start)."""
    db.session.add(ExamCandidate(exam_id=e.id, person_id=who.id, status=status))
    if passed is None:
        return
    done = state is AttemptState.FINISHED
    scores = [
        {"topic_id": tid, "topic": "", "score": pct * 10, "max": 10.0, "percent": pct}
        for tid, pct in (topics or {}).items()
    ]
    db.session.add(
        Attempt(exam_id=e.id, person_id=who.id, state=state, seed=1, seq=1,
                started_at=e.opens_at, deadline=e.closes_at,
                finished_at=e.opens_at if done else None,
                percent=(0.8 if passed else 0.3) if done else None,
                passed=passed if done else None, topic_scores=scores if done else [])
    )  # fmt: skip
    db.session.flush()


def cohort(e: Exam, unit_code: str, *, passed: int, failed: int, absent: int = 0,
           position: str = "Công chức tiếp nhận") -> list[Person]:  # fmt: skip
    """``passed`` + ``failed`` people who sat ``e`` and ``absent`` who did not, in a unit."""
    people = []
    for outcome in [True] * passed + [False] * failed + [None] * absent:
        who = person(unit_code, position=position)
        sit(e, who, outcome)
        people.append(who)
    return people
